/*
 * x32_tree.c - see x32_tree.h. Ranges, steps and enum names are the console's (Maillot,
 * p.20-88; research/x32.md 4.2); defaults are a blank X32 scene's (research/x32.md 5.1).
 */
#include "osc/x32_tree.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- field types ---- */

#define N_OF(a) ((int)(sizeof a / sizeof a[0]))
#define ENUM(name_, list_) { .name = name_, .kind = X32_FT_ENUM, .names = list_, .n = N_OF(list_) }
#define LAW_T(name_, kind_, lo_, hi_, n_, dec_, maxd_, plus_, freq_)                            \
	{ .name = name_, .kind = X32_FT_LAW,                                                       \
	  .law = { .kind = kind_, .lo = lo_, .hi = hi_, .n = n_ }, .decimals = dec_,               \
	  .max_digits = maxd_, .is_plus = plus_, .is_freq = freq_ }
#define LINF_T(name_, lo_, hi_, n_, dec_, plus_) \
	LAW_T(name_, X32_LINF, lo_, hi_, n_, dec_, 0, plus_, false)
#define LOGF_T(name_, lo_, hi_, n_, dec_, maxd_, freq_) \
	LAW_T(name_, X32_LOGF, lo_, hi_, n_, dec_, maxd_, false, freq_)

static const char *const onoff[] = { "OFF", "ON" };
static const char *const colors[] = { "OFF", "RD", "GN", "YE", "BL", "MG", "CY", "WH",
				      "OFFi", "RDi", "GNi", "YEi", "BLi", "MGi", "CYi", "WHi" };
static const char *const hpslope[] = { "12", "18", "24" };
static const char *const gate_mode[] = { "EXP2", "EXP3", "EXP4", "GATE", "DUCK" };
static const char *const filter_type[] = { "LC6", "LC12", "HC6", "HC12", "1.0",
					   "2.0", "3.0", "5.0", "10.0" };
static const char *const dyn_mode[] = { "COMP", "EXP" };
static const char *const dyn_det[] = { "PEAK", "RMS" };
static const char *const dyn_env[] = { "LIN", "LOG" };
static const char *const ratio[] = { "1.1", "1.3", "1.5", "2.0", "2.5", "3.0",
				     "4.0", "5.0", "7.0", "10", "20", "100" };
static const char *const pre_post[] = { "PRE", "POST" };
static const char *const insert_sel[] = { "OFF", "FX1L", "FX1R", "FX2L", "FX2R", "FX3L",
					  "FX3R", "FX4L", "FX4R", "FX5L", "FX5R", "FX6L",
					  "FX6R", "FX7L", "FX7R", "FX8L", "FX8R", "AUX1",
					  "AUX2", "AUX3", "AUX4", "AUX5", "AUX6" };
static const char *const eq_type[] = { "LCut", "LShv", "PEQ", "VEQ", "HShv", "HCut" };
static const char *const eq_type6[] = { "LCut", "LShv", "PEQ", "VEQ", "HShv", "HCut", "BU6",
					"BU12", "BS12", "LR12", "BU18", "BU24", "BS24", "LR24" };
static const char *const tap[] = { "IN/LC", "<-EQ", "EQ->", "PRE", "POST", "GRP" };
static const char *const tap_bus[] = { "IN/LC", "<-EQ", "EQ->", "PRE", "POST" };
static const char *const automix[] = { "OFF", "X", "Y" };
static const char *const mono_mode[] = { "LR+M", "LCR" };
static const char *const solo_source[] = { "OFF", "LR", "LR+C", "LRPFL", "LRAFL", "AUX56",
					   "AUX78" };
static const char *const pfl_afl[] = { "PFL", "AFL" };
static const char *const talk_source[] = { "INT", "EXT" };
static const char *const osc_fsel[] = { "F1", "F2" };
static const char *const osc_type[] = { "SINE", "PINK", "WHITE" };
static const char *const rout_switch[] = { "REC", "PLAY" };
static const char *const aes_ab[] = { "AESA", "AESB" };
static const char *const out_pos[] = { "IN/LC", "IN/LC+M", "<-EQ", "<-EQ+M", "EQ->",
				       "EQ->+M", "PRE", "PRE+M", "POST" };
static const char *const iq_group[] = { "OFF", "A", "B" };
static const char *const iq_speaker[] = { "none", "iQ8", "iQ10", "iQ12", "iQ15", "iQ15B",
					  "iQ18B" };
static const char *const iq_eq[] = { "Linear", "Live", "Speech", "Playback", "User" };
static const char *const fx14_type[] = {
	"HALL", "AMBI", "RPLT", "ROOM", "CHAM", "PLAT", "VREV", "VRM", "GATE", "RVRS", "DLY",
	"3TAP", "4TAP", "CRS", "FLNG", "PHAS", "DIMC", "FILT", "ROTA", "PAN", "SUB", "D/RV",
	"CR/R", "FL/R", "D/CR", "D/FL", "MODD", "GEQ2", "GEQ", "TEQ2", "TEQ", "DES2", "DES",
	"P1A", "P1A2", "PQ5", "PQ5S", "WAVD", "LIM", "CMB", "CMB2", "FAC", "FAC1M", "FAC2", "LEC",
	"LEC2", "ULC", "ULC2", "ENH2", "ENH", "EXC2", "EXC", "IMG", "EDI", "SON", "AMP2", "AMP",
	"DRV2", "DRV", "PIT2", "PIT" };
static const char *const fx58_type[] = {
	"GEQ2", "GEQ", "TEQ2", "TEQ", "DES2", "DES", "P1A", "P1A2", "PQ5", "PQ5S", "WAVD", "LIM",
	"FAC", "FAC1M", "FAC2", "LEC", "LEC2", "ULC", "ULC2", "ENH2", "ENH", "EXC2", "EXC", "IMG",
	"EDI", "SON", "AMP2", "AMP", "DRV2", "DRV", "PHAS", "FILT", "PAN", "SUB" };
static const char *const fx_source[] = { "INS", "MIX1", "MIX2", "MIX3", "MIX4", "MIX5",
					 "MIX6", "MIX7", "MIX8", "MIX9", "MIX10", "MIX11",
					 "MIX12", "MIX13", "MIX14", "MIX15", "MIX16", "M/C" };

static const struct x32_ftype types[] = {
	ENUM("onoff", onoff),
	ENUM("color", colors),
	ENUM("hpslope", hpslope),
	ENUM("gmode", gate_mode),
	ENUM("ftype", filter_type),
	ENUM("dmode", dyn_mode),
	ENUM("det", dyn_det),
	ENUM("env", dyn_env),
	ENUM("ratio", ratio),
	ENUM("prepost", pre_post),
	ENUM("inssel", insert_sel),
	ENUM("eqtype", eq_type),
	ENUM("eqtype6", eq_type6),
	ENUM("tap", tap),
	ENUM("tapbus", tap_bus),
	ENUM("amix", automix),
	ENUM("monomode", mono_mode),
	ENUM("solosrc", solo_source),
	ENUM("pflafl", pfl_afl),
	ENUM("talksrc", talk_source),
	ENUM("fsel", osc_fsel),
	ENUM("osctype", osc_type),
	ENUM("routsw", rout_switch),
	ENUM("aesab", aes_ab),
	ENUM("outpos", out_pos),
	ENUM("iqgroup", iq_group),
	ENUM("iqspk", iq_speaker),
	ENUM("iqeq", iq_eq),
	ENUM("fx14", fx14_type),
	ENUM("fx58", fx58_type),
	ENUM("fxsrc", fx_source),
	{ .name = "str", .kind = X32_FT_STRING },
	{ .name = "icon", .kind = X32_FT_INT, .n = 74 },
	{ .name = "src", .kind = X32_FT_INT, .n = 64 },     /* input sources, key sources */
	{ .name = "int", .kind = X32_FT_INT, .n = 255 },    /* routing blocks, user routing */
	{ .name = "bit", .kind = X32_FT_INT, .n = 1 },      /* panFollow, DP48 links */
	{ .name = "dca8", .kind = X32_FT_BITMAP, .n = 8 },
	{ .name = "mute6", .kind = X32_FT_BITMAP, .n = 6 },
	{ .name = "bits4", .kind = X32_FT_BITMAP, .n = 4 },
	{ .name = "bits18", .kind = X32_FT_BITMAP, .n = 18 },
	{ .name = "fxpar", .kind = X32_FT_RAW },
	LAW_T("level", X32_LEVEL, 0, 0, 1024, 1, 0, true, false),
	LAW_T("level161", X32_LEVEL, 0, 0, 161, 1, 0, true, false),
	LINF_T("dlytime", 0.3f, 500.0f, 4998, 1, false),
	LINF_T("trim", -18.0f, 18.0f, 145, 1, true),
	LOGF_T("hpf", 20.0f, 400.0f, 101, 0, 0, false),
	LINF_T("gthr", -80.0f, 0.0f, 161, 1, false),
	LINF_T("grange", 3.0f, 60.0f, 58, 1, false),
	LINF_T("attack", 0.0f, 120.0f, 121, 0, false),
	LOGF_T("hold", 0.02f, 2000.0f, 101, 2, 3, false),
	LOGF_T("release", 5.0f, 4000.0f, 101, 0, 0, false),
	LOGF_T("freq", 20.0f, 20000.0f, 201, 1, 0, true),
	LINF_T("dthr", -60.0f, 0.0f, 121, 1, false),
	LINF_T("knee", 0.0f, 5.0f, 6, 0, false),
	LAW_T("mgain", X32_LINF, 0.0f, 24.0f, 49, 2, 3, false, false),
	LINF_T("dmix", 0.0f, 100.0f, 21, 0, false),
	LAW_T("eqgain", X32_LINF, -15.0f, 15.0f, 121, 2, 3, true, false),
	LOGF_T("q", 10.0f, 0.3f, 72, 1, 2, false),
	LINF_T("pan", -100.0f, 100.0f, 101, 0, true),
	LINF_T("amixw", -12.0f, 12.0f, 49, 1, true),
	LINF_T("strim", -18.0f, 18.0f, 73, 1, false),
	LINF_T("dimatt", -40.0f, 0.0f, 41, 0, false),
	LOGF_T("oscf", 20.0f, 20000.0f, 121, 1, 0, true),
	LINF_T("tapegain", -6.0f, 24.0f, 61, 1, false),
	LINF_T("headamp", -12.0f, 60.0f, 145, 1, true),
};

static const struct x32_ftype *type_named(const char *name, size_t len)
{
	for (int i = 0; i < N_OF(types); i++)
		if (strlen(types[i].name) == len && memcmp(types[i].name, name, len) == 0)
			return &types[i];
	return NULL;
}

/* ---- the nodes ---- */

enum parity { ANY_NUMBER, ODD, EVEN };

struct x32_node {
	const char *pattern;           /* "#" groups are numbers, as many digits as "#"s */
	unsigned char lo[2], hi[2];    /* the range of each group */
	unsigned char parity;          /* of the last group */
	const char *fields;            /* "name:type=default ..."; see field_at() */
};

/* Field lists shared by several nodes. "@N" is N fields named 01..NN, "#N" 1..N, "~N" the
 * N link pairs 1-2, 3-4, ... */
#define CONFIG4 "name:str icon:icon=1 color:color source:src"
#define CONFIG3 "name:str icon:icon=1 color:color"
#define FILTER "on:onoff type:ftype=HC6 f:freq=1k00"
#define DYN_HEAD "on:onoff mode:dmode det:det env:env=LOG thr:dthr=+0.0 ratio:ratio=3.0 " \
		 "knee:knee=0 mgain:mgain=0.00 attack:attack=10 hold:hold=10.0 " \
		 "release:release=151 pos:prepost=POST"
#define DYN DYN_HEAD " keysrc:src mix:dmix=100 auto:onoff"
#define DYN_NOKEY DYN_HEAD " mix:dmix=100 auto:onoff"
#define INSERT "on:onoff pos:prepost=POST sel:inssel"
#define BAND "type:eqtype=PEQ f:freq=1k00 g:eqgain=+0.00 q:q=2.0"
#define BAND6 "type:eqtype6=PEQ f:freq=1k00 g:eqgain=+0.00 q:q=2.0"
#define STRIP_MIX "on:onoff=ON fader:level=-oo st:onoff=ON pan:pan=+0 mono:onoff " \
		  "mlevel:level161=-oo"
#define SEND_ODD "on:onoff=ON level:level161=-oo pan:pan=+0 type:tap=POST panFollow:bit"
#define SEND_ODD_BUS "on:onoff=ON level:level161=-oo pan:pan=+0 type:tapbus=POST " \
		     "panFollow:bit"
#define SEND_EVEN "on:onoff=ON level:level161=-oo"
#define GRP "dca:dca8 mute:mute6"
#define OUTPUT "src:src pos:outpos=POST invert:onoff"
#define TALK "level:level161=-oo dim:onoff latch:onoff destmap:bits18"

#define N1(p, lo, hi, f) { p, { lo, 0 }, { hi, 0 }, ANY_NUMBER, f }
#define N1P(p, lo, hi, par, f) { p, { lo, 0 }, { hi, 0 }, par, f }
#define N2(p, lo0, hi0, lo1, hi1, f) { p, { lo0, lo1 }, { hi0, hi1 }, ANY_NUMBER, f }
#define N2P(p, lo0, hi0, lo1, hi1, par, f) { p, { lo0, lo1 }, { hi0, hi1 }, par, f }
#define N0(p, f) { p, { 0, 0 }, { 0, 0 }, ANY_NUMBER, f }

/* In the order the console's tree lists them (and the x32-osc client walks them). */
static const struct x32_node nodes[] = {
	N0("/config/chlink", "~16:onoff"),
	N0("/config/auxlink", "~4:onoff"),
	N0("/config/fxlink", "~4:onoff"),
	N0("/config/buslink", "~8:onoff"),
	N0("/config/mtxlink", "~3:onoff"),
	N0("/config/mute", "#6:onoff"),
	N0("/config/linkcfg", "hadly:onoff eq:onoff dyn:onoff fdrmute:onoff"),
	N0("/config/mono", "mode:monomode link:onoff"),
	N0("/config/solo", "level:level161=+0.0 source:solosrc=LR sourcetrim:strim=+0.0 "
			   "chmode:pflafl busmode:pflafl=AFL dcamode:pflafl=AFL exclusive:onoff "
			   "followsel:onoff followsolo:onoff dimatt:dimatt=-10 dim:onoff "
			   "mono:onoff delay:onoff delaytime:dlytime=10.0 masterctrl:onoff "
			   "mute:onoff dimpfl:onoff"),
	N0("/config/talk", "enable:onoff source:talksrc"),
	N0("/config/talk/A", TALK),
	N0("/config/talk/B", TALK),
	N0("/config/osc", "level:level161=-oo f1:oscf=1k00 f2:oscf=100.0 fsel:fsel type:osctype "
			  "dest:int"),
	N0("/config/userrout/out", "@48:int"),
	N0("/config/userrout/in", "@32:int"),
	N0("/config/routing", "routswitch:routsw"),
	N0("/config/routing/IN", "1-8:int 9-16:int 17-24:int 25-32:int AUX:int"),
	N0("/config/routing/AES50A", "1-8:int 9-16:int 17-24:int 25-32:int 33-40:int 41-48:int"),
	N0("/config/routing/AES50B", "1-8:int 9-16:int 17-24:int 25-32:int 33-40:int 41-48:int"),
	N0("/config/routing/CARD", "1-8:int 9-16:int 17-24:int 25-32:int"),
	N0("/config/routing/OUT", "1-4:int 5-8:int 9-12:int 13-16:int"),
	N0("/config/routing/PLAY", "1-8:int 9-16:int 17-24:int 25-32:int AUX:int"),
	N0("/config/userctrl/A", "color:color"),
	N0("/config/userctrl/A/enc", "#4:str"),
	N0("/config/userctrl/A/btn", "5:str 6:str 7:str 8:str 9:str 10:str 11:str 12:str"),
	N0("/config/userctrl/B", "color:color"),
	N0("/config/userctrl/B/enc", "#4:str"),
	N0("/config/userctrl/B/btn", "5:str 6:str 7:str 8:str 9:str 10:str 11:str 12:str"),
	N0("/config/userctrl/C", "color:color"),
	N0("/config/userctrl/C/enc", "#4:str"),
	N0("/config/userctrl/C/btn", "5:str 6:str 7:str 8:str 9:str 10:str 11:str 12:str"),
	N0("/config/tape", "gainL:tapegain=+0.0 gainR:tapegain=+0.0 autoplay:onoff"),
	N0("/config/amixenable", "X:onoff Y:onoff"),
	N0("/config/dp48", "scope:bits4 broadcast:int aesAB:aesab"),
	N0("/config/dp48/assign", "@48:int"),
	N0("/config/dp48/link", "@24:bit"),
	N0("/config/dp48/grpname", "@12:str"),

	N1("/ch/##/config", 1, 32, CONFIG4),
	N1("/ch/##/delay", 1, 32, "on:onoff time:dlytime=0.3"),
	N1("/ch/##/preamp", 1, 32, "trim:trim=+0.0 invert:onoff hpon:onoff hpslope:hpslope "
				   "hpf:hpf=80"),
	N1("/ch/##/gate", 1, 32, "on:onoff mode:gmode=GATE thr:gthr=-80.0 range:grange=60.0 "
				 "attack:attack=0 hold:hold=0.02 release:release=5 keysrc:src"),
	N1("/ch/##/gate/filter", 1, 32, FILTER),
	N1("/ch/##/dyn", 1, 32, DYN),
	N1("/ch/##/dyn/filter", 1, 32, FILTER),
	N1("/ch/##/insert", 1, 32, INSERT),
	N1("/ch/##/eq", 1, 32, "on:onoff"),
	N2("/ch/##/eq/#", 1, 32, 1, 4, BAND),
	N1("/ch/##/mix", 1, 32, STRIP_MIX),
	N2P("/ch/##/mix/##", 1, 32, 1, 16, ODD, SEND_ODD),
	N2P("/ch/##/mix/##", 1, 32, 1, 16, EVEN, SEND_EVEN),
	N1("/ch/##/grp", 1, 32, GRP),
	N1("/ch/##/automix", 1, 32, "group:amix weight:amixw=+0.0"),

	N1("/auxin/##/config", 1, 8, CONFIG4),
	N1("/auxin/##/preamp", 1, 8, "trim:trim=+0.0 invert:onoff"),
	N1("/auxin/##/eq", 1, 8, "on:onoff"),
	N2("/auxin/##/eq/#", 1, 8, 1, 4, BAND),
	N1("/auxin/##/mix", 1, 8, STRIP_MIX),
	N2P("/auxin/##/mix/##", 1, 8, 1, 16, ODD, SEND_ODD),
	N2P("/auxin/##/mix/##", 1, 8, 1, 16, EVEN, SEND_EVEN),
	N1("/auxin/##/grp", 1, 8, GRP),

	N1("/fxrtn/##/config", 1, 8, CONFIG3),
	N1("/fxrtn/##/eq", 1, 8, "on:onoff"),
	N2("/fxrtn/##/eq/#", 1, 8, 1, 4, BAND),
	N1("/fxrtn/##/mix", 1, 8, STRIP_MIX),
	N2P("/fxrtn/##/mix/##", 1, 8, 1, 16, ODD, SEND_ODD),
	N2P("/fxrtn/##/mix/##", 1, 8, 1, 16, EVEN, SEND_EVEN),
	N1("/fxrtn/##/grp", 1, 8, GRP),

	N1("/bus/##/config", 1, 16, CONFIG3),
	N1("/bus/##/dyn", 1, 16, DYN),
	N1("/bus/##/dyn/filter", 1, 16, FILTER),
	N1("/bus/##/insert", 1, 16, INSERT),
	N1("/bus/##/eq", 1, 16, "on:onoff"),
	N2("/bus/##/eq/#", 1, 16, 1, 6, BAND),
	N1("/bus/##/mix", 1, 16, STRIP_MIX),
	N2P("/bus/##/mix/##", 1, 16, 1, 6, ODD, SEND_ODD_BUS),
	N2P("/bus/##/mix/##", 1, 16, 1, 6, EVEN, SEND_EVEN),
	N1("/bus/##/grp", 1, 16, GRP),

	N1("/mtx/##/config", 1, 6, CONFIG3),
	N1("/mtx/##/preamp", 1, 6, "invert:onoff"),
	N1("/mtx/##/dyn", 1, 6, DYN_NOKEY),
	N1("/mtx/##/dyn/filter", 1, 6, FILTER),
	N1("/mtx/##/insert", 1, 6, INSERT),
	N1("/mtx/##/eq", 1, 6, "on:onoff"),
	N2("/mtx/##/eq/#", 1, 6, 1, 6, BAND6),
	N1("/mtx/##/mix", 1, 6, "on:onoff=ON fader:level=-oo"),
	N1("/mtx/##/grp", 1, 6, GRP),

	N0("/main/st/config", CONFIG3),
	N0("/main/st/dyn", DYN_NOKEY),
	N0("/main/st/dyn/filter", FILTER),
	N0("/main/st/insert", INSERT),
	N0("/main/st/eq", "on:onoff"),
	N1("/main/st/eq/#", 1, 6, BAND6),
	N0("/main/st/mix", "on:onoff=ON fader:level=-oo pan:pan=+0"),
	N1P("/main/st/mix/##", 1, 6, ODD, SEND_ODD_BUS),
	N1P("/main/st/mix/##", 1, 6, EVEN, SEND_EVEN),
	N0("/main/st/grp", GRP),
	N0("/main/m/config", CONFIG3),
	N0("/main/m/dyn", DYN_NOKEY),
	N0("/main/m/dyn/filter", FILTER),
	N0("/main/m/insert", INSERT),
	N0("/main/m/eq", "on:onoff"),
	N1("/main/m/eq/#", 1, 6, BAND6),
	N0("/main/m/mix", "on:onoff=ON fader:level=-oo"),
	N1P("/main/m/mix/##", 1, 6, ODD, SEND_ODD_BUS),
	N1P("/main/m/mix/##", 1, 6, EVEN, SEND_EVEN),
	N0("/main/m/grp", GRP),

	N1("/dca/#", 1, 8, "on:onoff=ON fader:level=-oo"),
	N1("/dca/#/config", 1, 8, CONFIG3),

	N1("/fx/#", 1, 4, "type:fx14"),
	N1("/fx/#/source", 1, 4, "l:fxsrc r:fxsrc"),
	N1("/fx/#/par", 1, 4, "@64:fxpar"),
	N1("/fx/#", 5, 8, "type:fx58"),
	N1("/fx/#/par", 5, 8, "@64:fxpar"),

	N1("/outputs/main/##", 1, 16, OUTPUT),
	N1("/outputs/main/##/delay", 1, 16, "on:onoff time:dlytime=0.3"),
	N1("/outputs/aux/##", 1, 6, OUTPUT),
	N1("/outputs/p16/##", 1, 16, OUTPUT),
	N1("/outputs/p16/##/iQ", 1, 16, "group:iqgroup speaker:iqspk eq:iqeq model:int"),
	N1("/outputs/aes/##", 1, 2, OUTPUT),
	N1("/outputs/rec/##", 1, 2, "src:src pos:outpos=POST"),

	N1("/headamp/###", 0, 127, "gain:headamp=+0.0 phantom:onoff"),
};

/* ---- field lists ---- */

/* Field k of a list: its name, type and default text (NULL: the type's zero). */
static bool field_at(const char *fields, int k, char *name, size_t name_size,
		     const struct x32_ftype **type, const char **def, size_t *def_len)
{
	const char *p = fields;
	while (*p) {
		const char *colon = strchr(p, ':');
		const char *end = p + strcspn(p, " ");
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (!colon || colon > end)
			return false;
		const char *type_end = eq ? eq : end;
		int count = 1;
		char rep = 0;
		if (*p == '@' || *p == '#' || *p == '~') {
			rep = *p;
			count = atoi(p + 1);
		}
		if (k < count) {
			if (rep == '@')
				snprintf(name, name_size, "%02d", k + 1);
			else if (rep == '#')
				snprintf(name, name_size, "%d", k + 1);
			else if (rep == '~')
				snprintf(name, name_size, "%d-%d", 2 * k + 1, 2 * k + 2);
			else
				snprintf(name, name_size, "%.*s", (int)(colon - p), p);
			*type = type_named(colon + 1, (size_t)(type_end - colon - 1));
			*def = eq ? eq + 1 : NULL;
			*def_len = eq ? (size_t)(end - eq - 1) : 0;
			return *type != NULL;
		}
		k -= count;
		p = *end ? end + 1 : end;
	}
	return false;
}

/* ---- the index: every concrete node address, hashed ---- */

#define INDEX_SLOTS 4096   /* a power of two, about twice the tree's 2,117 nodes */
#define ADDRESS_MAX 32

struct index_entry {
	char address[ADDRESS_MAX];   /* "" = free */
	const struct x32_node *node;
};

static struct index_entry *index_table;

static uint32_t hash_text(const char *s)
{
	uint32_t h = 2166136261u;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* The address of node n for numbers a, b (the "#" groups in order). */
static void expand(const struct x32_node *n, int a, int b, char *out, size_t size)
{
	const int values[2] = { a, b };
	size_t o = 0;
	int group = 0;
	for (const char *p = n->pattern; *p && o + 1 < size;) {
		if (*p != '#') {
			out[o++] = *p++;
			continue;
		}
		int digits = (int)strspn(p, "#");
		int w = snprintf(out + o, size - o, "%0*d", digits, values[group++]);
		o += w > 0 ? (size_t)w : 0;
		p += digits;
	}
	out[o < size ? o : size - 1] = '\0';
}

static int n_groups(const struct x32_node *n)
{
	int g = 0;
	for (const char *p = n->pattern; *p; p++)
		if (*p == '#' && (p == n->pattern || p[-1] != '#'))
			g++;
	return g;
}

static void index_put(const char *address, const struct x32_node *n)
{
	uint32_t h = hash_text(address);
	for (uint32_t i = 0; i < INDEX_SLOTS; i++) {
		struct index_entry *e = &index_table[(h + i) & (INDEX_SLOTS - 1)];
		if (e->address[0] == '\0') {
			snprintf(e->address, sizeof e->address, "%s", address);
			e->node = n;
			return;
		}
	}
}

static bool parity_ok(const struct x32_node *n, int v)
{
	return n->parity == ANY_NUMBER || (n->parity == ODD) == (v % 2 == 1);
}

static void each_address(const struct x32_node *n, void (*fn)(const char *, const struct x32_node *,
							      void *), void *ctx)
{
	char address[ADDRESS_MAX];
	int groups = n_groups(n);
	int lo1 = groups > 1 ? n->lo[1] : 0, hi1 = groups > 1 ? n->hi[1] : 0;
	for (int a = n->lo[0]; a <= n->hi[0]; a++) {
		for (int b = lo1; b <= hi1; b++) {
			int last = groups == 2 ? b : a;
			if (groups > 0 && !parity_ok(n, last))
				continue;
			expand(n, a, b, address, sizeof address);
			fn(address, n, ctx);
		}
	}
}

static void put_one(const char *address, const struct x32_node *n, void *ctx)
{
	(void)ctx;
	index_put(address, n);
}

static bool index_ready(void)
{
	if (index_table)
		return true;
	index_table = calloc(INDEX_SLOTS, sizeof *index_table);
	if (!index_table)
		return false;
	for (int i = 0; i < N_OF(nodes); i++)
		each_address(&nodes[i], put_one, NULL);
	return true;
}

const struct x32_node *x32_tree_node(const char *address)
{
	char canonical[ADDRESS_MAX];
	if (!address || !index_ready())
		return NULL;
	int w = snprintf(canonical, sizeof canonical, "%s%s", address[0] == '/' ? "" : "/",
			 address);
	if (w < 0 || (size_t)w >= sizeof canonical)
		return NULL;
	uint32_t h = hash_text(canonical);
	for (uint32_t i = 0; i < INDEX_SLOTS; i++) {
		const struct index_entry *e = &index_table[(h + i) & (INDEX_SLOTS - 1)];
		if (e->address[0] == '\0')
			return NULL;
		if (strcmp(e->address, canonical) == 0)
			return e->node;
	}
	return NULL;
}

bool x32_tree_field(const struct x32_node *n, int k, char *name, size_t name_size,
		    const struct x32_ftype **type, float *def)
{
	const char *d;
	size_t d_len;
	if (!field_at(n->fields, k, name, name_size, type, &d, &d_len))
		return false;
	*def = 0.0f;
	if (d) {
		char text[X32_TEXT_MAX], s[X32_TEXT_MAX];
		snprintf(text, sizeof text, "%.*s", (int)d_len, d);
		if (!x32_ftype_parse(*type, text, def, s, sizeof s))
			*def = 0.0f;
	}
	return true;
}

bool x32_tree_leaf(const char *path, const struct x32_ftype **type, float *def)
{
	const char *slash = strrchr(path, '/');
	char node[ADDRESS_MAX];
	if (!slash || slash == path || (size_t)(slash - path) >= sizeof node)
		return false;
	snprintf(node, sizeof node, "%.*s", (int)(slash - path), path);
	const struct x32_node *n = x32_tree_node(node);
	char name[16];
	for (int k = 0; n && x32_tree_field(n, k, name, sizeof name, type, def); k++)
		if (strcmp(name, slash + 1) == 0)
			return true;
	return false;
}

struct each_ctx {
	void (*fn)(const char *, void *);
	void *ctx;
};

static void each_one(const char *address, const struct x32_node *n, void *ctx)
{
	struct each_ctx *e = ctx;
	(void)n;
	e->fn(address, e->ctx);
}

void x32_tree_each_node(void (*fn)(const char *address, void *ctx), void *ctx)
{
	struct each_ctx e = { fn, ctx };
	for (int i = 0; i < N_OF(nodes); i++)
		each_address(&nodes[i], each_one, &e);
}

/* ---- text ---- */

char x32_ftype_tag(const struct x32_ftype *t)
{
	switch (t->kind) {
	case X32_FT_STRING:
		return 's';
	case X32_FT_LAW:
	case X32_FT_RAW:
		return 'f';
	default:
		return 'i';
	}
}

/* A value in user units as the console prints it: decimals, fewer for large values when
 * max_digits says so (Q "10", hold "50.2"), a '+' on signed ranges, kHz as "1k02". */
static void format_number(const struct x32_ftype *t, float v, char *out, size_t size)
{
	if (t->is_freq && v >= 1000.0f) {
		snprintf(out, size, "%.2f", (double)(v / 1000.0f));
		char *dot = strchr(out, '.');
		if (dot)
			*dot = 'k';
		return;
	}
	int decimals = t->decimals;
	if (t->max_digits > 0) {
		int int_digits = fabsf(v) >= 100.0f ? 3 : fabsf(v) >= 10.0f ? 2 : 1;
		if (decimals > t->max_digits - int_digits)
			decimals = t->max_digits - int_digits;
		if (decimals < 0)
			decimals = 0;
	}
	/* -0.004 prints as +0.0, as the console does (0 dB is 767/1023, a hair below 0). */
	double scale = pow(10.0, decimals);
	double shown = round((double)v * scale) / scale;
	if (shown == 0.0)
		shown = 0.0;
	snprintf(out, size, t->is_plus ? "%+.*f" : "%.*f", decimals, shown);
}

void x32_ftype_format(const struct x32_ftype *t, float f, const char *s, char *out,
		      size_t size)
{
	int k = (int)lrintf(f);
	switch (t->kind) {
	case X32_FT_ENUM:
		snprintf(out, size, "%s", k >= 0 && k < t->n ? t->names[k] : t->names[0]);
		return;
	case X32_FT_STRING:
		snprintf(out, size, "\"%s\"", s ? s : "");
		return;
	case X32_FT_BITMAP: {
		size_t o = 0;
		if (size < (size_t)t->n + 2)
			return;
		out[o++] = '%';
		for (int bit = t->n - 1; bit >= 0; bit--)
			out[o++] = (k >> bit) & 1 ? '1' : '0';
		out[o] = '\0';
		return;
	}
	case X32_FT_INT:
		snprintf(out, size, "%d", k);
		return;
	case X32_FT_RAW:
		snprintf(out, size, "%.4f", (double)f);
		return;
	case X32_FT_LAW:
		break;
	}
	const struct x32_law *l = &t->law;
	int index = x32_law_index(l, f);
	if (l->kind == X32_LEVEL && index == 0) {
		snprintf(out, size, "-oo");
		return;
	}
	format_number(t, x32_law_native(l, index), out, size);
}

/* "1k02" -> 1020, "632.5" -> 632.5; false when it is not a number. */
static bool parse_number(const char *text, float *v)
{
	char buf[X32_TEXT_MAX];
	snprintf(buf, sizeof buf, "%s", text);
	char *k = strchr(buf, 'k');
	float scale = 1.0f;
	if (k) {
		*k = '.';
		scale = 1000.0f;
	}
	char *end;
	double d = strtod(buf, &end);
	if (end == buf || *end != '\0' || !isfinite(d))
		return false;
	*v = (float)d * scale;
	return true;
}

bool x32_ftype_parse(const struct x32_ftype *t, const char *text, float *f, char *s,
		     size_t s_size)
{
	float v;
	switch (t->kind) {
	case X32_FT_STRING: {
		size_t n = strlen(text);
		if (n >= 2 && text[0] == '"' && text[n - 1] == '"')
			snprintf(s, s_size, "%.*s", (int)(n - 2), text + 1);
		else
			snprintf(s, s_size, "%s", text);
		*f = 0.0f;
		return true;
	}
	case X32_FT_ENUM:
		for (int i = 0; i < t->n; i++) {
			if (strcmp(text, t->names[i]) == 0) {
				*f = (float)i;
				return true;
			}
		}
		/* A number is an index, as the wire's int (an enum named "12" matched above). */
		if (!parse_number(text, &v) || v < 0.0f || v >= (float)t->n || v != floorf(v))
			return false;
		*f = v;
		return true;
	case X32_FT_BITMAP: {
		const char *p = text[0] == '%' ? text + 1 : text;
		int bits = 0, n = 0;
		for (; *p == '0' || *p == '1'; p++, n++)
			bits = bits * 2 + (*p - '0');
		if (*p || n == 0 || n > t->n)
			return false;
		*f = (float)bits;
		return true;
	}
	case X32_FT_INT:
		if (!parse_number(text, &v) || v < 0.0f || v > (float)t->n || v != floorf(v))
			return false;
		*f = v;
		return true;
	case X32_FT_RAW:
		if (!parse_number(text, &v))
			return false;
		*f = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
		return true;
	case X32_FT_LAW:
		break;
	}
	const struct x32_law *l = &t->law;
	if (l->kind == X32_LEVEL && (strcmp(text, "-oo") == 0 || strcmp(text, "-inf") == 0)) {
		*f = 0.0f;
		return true;
	}
	if (!parse_number(text, &v))
		return false;
	/* Snap to the nearest grid point, as the console does with a value between two. */
	*f = x32_law_wire(l, x32_law_index_of_native(l, v));
	return true;
}
