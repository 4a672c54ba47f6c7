# profile.awk - where a live jmixd's CPU goes, from `perf script -F tid,ip,sym,dso` of a
# `perf record --call-graph dwarf -p PID` (bench/live.sh, PROFILE=1). Each sample is charged
# to one line of the table by its call chain (leaf first), in this order:
#   - a thread other than the one running engine_process: the control thread (tid == pid) or
#     JACK's other client threads (server notifications: xruns, graph and port changes);
#   - on the audio thread, the first of these callers on the chain: master_process,
#     bus_process, strip_process, mixer_block_begin (the per-32-sample coefficient and glide
#     updates), meters_rt_post, apply_changed_blocks, mixer_process (gather, sums, output
#     copies), engine_process (port buffers, event reports); a chain with no jmixd frame is
#     JACK's own work on the audio thread: waiting for and waking the next cycle, in libjack,
#     libc and the kernel.
# Variables: pid (jmixd's), us (the measured CPU us per period, to scale shares into us).
BEGIN { n = 0 }
/^[0-9]+ *$/ || /^[0-9]+ / {   # a sample's header: its tid
	flush(); tid = $1 + 0; depth = 0; next
}
/^\t/ || /^ +[0-9a-f]+ / {
	sym = $2
	chain[depth++] = sym
	next
}
/^$/ { flush() }
END {
	flush()
	if (n == 0) { print "profile: no samples"; exit }
	printf "where the %.1f us per period go (%d samples, perf --call-graph dwarf):\n", us, n
	for (k = 1; k <= n_order; k++) {
		c = order[k]
		if (!(c in count)) continue
		printf "  %-58s %6.1f us  %5.1f %%\n", c, us * count[c] / n, 100 * count[c] / n
	}
}
function flush(    i, c, s, found, audio) {
	if (depth == 0) return
	c = ""
	audio = 0
	for (i = 0; i < depth; i++) if (chain[i] == "engine_process") audio = 1
	if (audio) audio_tid = tid
	if (!audio && tid == pid) c = "control thread (OSC, meters out, housekeeping)"
	else if (!audio && tid != audio_tid) c = "JACK's other client threads (notifications)"
	for (i = 0; c == "" && i < depth; i++) {
		s = chain[i]
		if (s == "master_process") c = "audio: master chain (EQ, comp, limiter, TP, loudness)"
		else if (s == "bus_process") c = "audio: buses (reverb, delay)"
		else if (s == "strip_process") c = "audio: strips (modules, meters, sends, mix)"
		else if (s == "mixer_block_begin") c = "audio: block starts (glides, coefficients)"
		else if (s == "meters_rt_post") c = "audio: meters hand-over"
		else if (s == "apply_changed_blocks") c = "audio: parameter hand-over"
		else if (s == "mixer_process") c = "audio: mixer glue (gather, sums, copies)"
		else if (s == "engine_process") c = "audio: engine glue (port buffers, events)"
	}
	if (c == "") c = "audio: JACK cycle wait and wake (libjack, libc, kernel)"
	count[c]++
	n++
	depth = 0
}
BEGIN {
	n_order = split("audio: strips (modules, meters, sends, mix)|audio: block starts (glides, coefficients)|audio: master chain (EQ, comp, limiter, TP, loudness)|audio: buses (reverb, delay)|audio: mixer glue (gather, sums, copies)|audio: meters hand-over|audio: parameter hand-over|audio: engine glue (port buffers, events)|audio: JACK cycle wait and wake (libjack, libc, kernel)|JACK's other client threads (notifications)|control thread (OSC, meters out, housekeeping)", order, "|")
}
