// x32_osc_ready.js NPM_PREFIX ADDRESS - drive jmixd's X32 port with the npm x32-osc client
// (1.0.0, MIT): connect (/info), /xremote, then refreshState, its walk of the whole console
// tree with "/node", one node at a time, each checked for its field count. Any 'error' the
// client emits (a node not answered within 5 s, a wrong field count, a bad reply) fails.
//
// On 'ready' it prints what it read for channels 1 and 2 and DCA 1, sets channel 2's fader
// to "-5" (the client sends the console's text form, ",s -5"), waits until channel 1's fader
// in its tree changes (the test moves it natively on READY) and prints "CHANGED ..." and
// "DONE". Exit 0 only when ready came with no error; 2 on its own time limit.
'use strict';
const { X32 } = require(require('path').resolve(process.argv[2], 'node_modules/x32-osc'));
const x32 = new X32(process.argv[3]);
let errors = 0;
const start = Date.now();
x32.on('error', (e) => {
	errors++;
	console.log('ERROR ' + e);
});
x32.on('ready', () => {
	const ch1 = x32.OSC.ch['01'];
	const ch2 = x32.OSC.ch['02'];
	console.log('READY ms=' + (Date.now() - start) + ' errors=' + errors);
	console.log('VALUE ch01.config.name=' + ch1.config.name);
	console.log('VALUE ch01.mix.fader=' + ch1.mix.fader);
	console.log('VALUE ch02.mix.on=' + ch2.mix.on);
	console.log('VALUE dca1.fader=' + x32.OSC.dca['1'].fader);
	ch2.mix.fader = '-5';
	// Staying in sync: the test moves channel 1's fader from a native client when it reads
	// READY; the change must reach this client's tree through its /xremote lease.
	const before = ch1.mix.fader;
	const waitStart = Date.now();
	const poll = setInterval(() => {
		if (ch1.mix.fader !== before) {
			console.log('CHANGED ch01.mix.fader=' + ch1.mix.fader);
		} else if (Date.now() - waitStart < 10000) {
			return;
		} else {
			errors++;
			console.log('ERROR ch01.mix.fader stayed ' + before + ' for 10 s');
		}
		clearInterval(poll);
		console.log('DONE errors=' + errors);
		x32.close();
	}, 20);
});
x32.on('closed', () => process.exit(errors === 0 ? 0 : 1));
setTimeout(() => {
	console.log('TIMEOUT: no ready within 60 s');
	process.exit(2);
}, 60000);
