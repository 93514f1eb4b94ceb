/* Symbol visibility for the C ABI.
 *
 * libdivert.so is compiled with -fvisibility=hidden: nothing is exported
 * unless it is marked. Mark each C ABI function with DIVERT_EXPORT, e.g.
 *
 *   DIVERT_EXPORT const char* divert_version(void);
 *
 * Plain C so include/divert/divert.h (C99) can include it.
 */
#ifndef DIVERT_EXPORT_H_
#define DIVERT_EXPORT_H_

#if defined(__GNUC__) || defined(__clang__)
#define DIVERT_EXPORT __attribute__((visibility("default")))
#else
#define DIVERT_EXPORT
#endif

#endif /* DIVERT_EXPORT_H_ */
