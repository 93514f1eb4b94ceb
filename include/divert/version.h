/* The version of the divert library.
 *
 * One source of truth: CMakeLists.txt reads these lines for the project
 * version and the shared library's version, pyproject.toml reads
 * DIVERT_VERSION_STRING for the Python package's version, and the Python
 * module exposes it as divert.__version__. Plain C so the C ABI can use it.
 */
#ifndef DIVERT_VERSION_H_
#define DIVERT_VERSION_H_

#define DIVERT_VERSION_MAJOR 0
#define DIVERT_VERSION_MINOR 1
#define DIVERT_VERSION_PATCH 0
#define DIVERT_VERSION_STRING "0.1.0"

#endif /* DIVERT_VERSION_H_ */
