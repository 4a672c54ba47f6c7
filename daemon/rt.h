/*
 * rt.h - marking the real-time entry points.
 *
 * RT_NONBLOCKING goes after the parameter list of a function that runs on the audio thread.
 * Under clang's RealtimeSanitizer (make SAN=rtsan) it is [[clang::nonblocking]]: any
 * allocation, lock, sleep or blocking call reached from that function aborts with a report.
 * Elsewhere it is nothing.
 */
#ifndef JMIXD_RT_H
#define JMIXD_RT_H

#if defined(__has_feature)
#if __has_feature(realtime_sanitizer)
#define RT_NONBLOCKING __attribute__((nonblocking))
#endif
#endif
#ifndef RT_NONBLOCKING
#define RT_NONBLOCKING
#endif

#endif
