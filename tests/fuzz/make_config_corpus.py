#!/usr/bin/env python3
"""make_config_corpus.py - write the seed corpus of tests/fuzz/fuzz_config.c (see its header
for the first byte): the shipped and fixture configs as they are, state files in both send
forms, and generator inputs. Run from the repository root."""
import glob
import os
import random

OUT = 'tests/fuzz/config-corpus'
os.makedirs(OUT, exist_ok=True)

def put(name, data):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)

for path in ['configs/default.cfg'] + sorted(glob.glob('tests/fixtures/*.cfg')):
    put('raw-' + os.path.basename(path), b'\0' + open(path, 'rb').read())

put('raw-awkward-buses.cfg', b'\0' + b'''aux = ( { name = "2nd"; type = "monitor"; },
  { name = "_fx"; type = "reverb"; }, { name = "-mon"; type = "delay"; } );
channels = ( { name = "kick"; send = ( { name = "2nd"; level = -6.0; } ); },
  { name = "gtr"; stereo = true; } );
''')
put('state-list-sends.cfg', b'\1' + b'''master = { fader = -2.0; };
aux = ( { name = "2nd"; fader = -4.0; }, { name = "_fx"; reverb = { time = 2.0; }; } );
channels = ( { name = "kick"; fader = -5.0; send = ( { name = "2nd"; level = -9.0; },
  { name = "_fx"; on = false; } ); }, { name = "guitar"; pan = 0.5; } );
''')
put('state-old-sends.cfg', b'\1' + b'''aux = ( { name = "2nd"; fader = -4.0; } );
channels = ( { name = "kick"; send = { mon = { level = -9.0; }; }; },
  { name = "gone"; fader = -1.0; }, { name = "more"; } );
''')
put('state-torn.cfg', b'\1' + b'channels = ( { name = "kick"; fader = ')
rng = random.Random(10)
for i in range(24):
    put('gen-%02d' % i, bytes([2 + i]) + bytes(rng.randrange(256) for _ in range(64)))
# Generator inputs that make valid consoles (the fuzzer mutates from there): one monitor bus
# named 2nd with a listed send; two awkward buses; a channel only.
put('gen-valid-1', bytes([2, 1, 0, 1, 0, 0, 0, 4, 1, 0, 1, 1, 0]))
put('gen-valid-2', bytes([2, 2, 1, 1, 1, 1, 1, 2, 2, 2, 0, 5, 0, 1, 0, 2, 1, 1, 2, 2, 4, 1, 0, 0]))
put('gen-valid-3', bytes([2]))
