#!/usr/bin/env python3
"""make_corpus.py - write the seed corpus of tests/fuzz: one valid or nearly valid OSC
packet per file, built byte by byte (independently of liblo), covering every address
form, argument type, bundle shape and command the daemon knows."""
import os
import struct
import sys

def pad(b):
    return b + b'\0' * (4 - len(b) % 4)

def msg(path, *args):
    tags, data = ',', b''
    for a in args:
        if a is True or a is False:
            tags += 'T' if a else 'F'
        elif isinstance(a, int):
            tags += 'i'
            data += struct.pack('>i', a)
        elif isinstance(a, float):
            tags += 'f'
            data += struct.pack('>f', a)
        elif isinstance(a, str):
            tags += 's'
            data += pad(a.encode())
        elif isinstance(a, tuple) and a[0] == 'd':
            tags += 'd'
            data += struct.pack('>d', a[1])
        elif isinstance(a, tuple) and a[0] == 'h':
            tags += 'h'
            data += struct.pack('>q', a[1])
    return pad(path.encode()) + pad(tags.encode()) + data

def bundle(*elements):
    out = b'#bundle\0' + struct.pack('>Q', 1)
    for e in elements:
        out += struct.pack('>i', len(e)) + e
    return out

seeds = {
    'fader_f': msg('/ch/1/fader', -6.0),
    'fader_i': msg('/ch/2/fader', -12),
    'fader_d': msg('/ch/3/fader', ('d', 3.5)),
    'fader_h': msg('/ch/1/fader', ('h', -20)),
    'fader_norm': msg('/ch/kick/fader/norm', 0.75),
    'pan': msg('/ch/vox/pan', -0.25),
    'balance': msg('/ch/keys/pan', 0.5),
    'mute_T': msg('/ch/1/mute', True),
    'mute_F': msg('/ch/1/mute', False),
    'mute_f': msg('/ch/2/mute', 1.0),
    'master': msg('/master/fader', -3.0),
    'master_mute': msg('/master/mute', 1),
    'query': msg('/ch/1/fader'),
    'query_norm': msg('/ch/1/pan/norm'),
    'meter': msg('/ch/1/meter'),
    'master_meter': msg('/master/meter'),
    'info': msg('/info'),
    'status': msg('/status'),
    'subscribe': msg('/subscribe'),
    'subscribe_port': msg('/subscribe', 9000),
    'unsubscribe': msg('/unsubscribe'),
    'dump': msg('/dump'),
    'snap_list': msg('/snapshot/list'),
    'snap_save': msg('/snapshot/save', 'verse'),
    'snap_load': msg('/snapshot/load', '../etc'),
    'nan': msg('/ch/1/fader', float('nan')),
    'inf': msg('/ch/1/fader', float('inf')),
    'range': msg('/ch/1/fader', 50.0),
    'two_args': msg('/ch/1/fader', 1.0, 2.0),
    'string_arg': msg('/ch/1/fader', 'loud'),
    'unknown': msg('/nope/nothing', 1),
    'bundle': bundle(msg('/ch/1/fader', -1.0), msg('/ch/2/pan', 0.1)),
    'bundle_nested': bundle(bundle(msg('/ch/1/mute', True)), msg('/info')),
    'pattern': msg('/ch/*/fader', 0.0),
}
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'corpus')
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name + '.osc'), 'wb') as f:
        f.write(data)
print(f'{len(seeds)} seeds in {out}')
