# Installs libdivert.so, libdivert.a, the headers (also the generated
# divert/v1/*.pb.h), the .proto files, a CMake package (find_package(divert),
# cmake/divertConfig.cmake.in) and a pkg-config file (divert.pc):
#
#   cmake --install build --prefix /opt/divert
#
# Relocatable: both the CMake package and divert.pc find the rest of the
# installation relative to themselves.
include(CMakePackageConfigHelpers)

set(DIVERT_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/divert")

install(TARGETS divert EXPORT divertTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS divert_static divert_usage EXPORT divertCxxTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(FILES ${DIVERT_PROTO_HDRS}
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/divert/v1 COMPONENT dev)
install(FILES ${DIVERT_PROTO_FILES}
  DESTINATION ${CMAKE_INSTALL_DATADIR}/divert/proto/divert/v1 COMPONENT dev)

install(EXPORT divertTargets NAMESPACE divert::
  DESTINATION "${DIVERT_CMAKE_INSTALL_DIR}" COMPONENT dev)
install(EXPORT divertCxxTargets NAMESPACE divert::
  DESTINATION "${DIVERT_CMAKE_INSTALL_DIR}" COMPONENT dev)
configure_package_config_file(cmake/divertConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/divertConfig.cmake"
  INSTALL_DESTINATION "${DIVERT_CMAKE_INSTALL_DIR}")
# Within one major version the C ABI only grows.
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/divertConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/divertConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/divertConfigVersion.cmake"
  DESTINATION "${DIVERT_CMAKE_INSTALL_DIR}" COMPONENT dev)

# divert.pc lives in <libdir>/pkgconfig; its prefix is found from there.
file(RELATIVE_PATH DIVERT_PC_PREFIX_FROM_PCFILEDIR
  "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file(cmake/divert.pc.in "${CMAKE_CURRENT_BINARY_DIR}/divert.pc" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/divert.pc"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig" COMPONENT dev)
