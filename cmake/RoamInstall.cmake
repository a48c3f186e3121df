# What `cmake --install` puts where, and the .deb CPack builds from it.
#
#   bin/roam, bin/roam-server, bin/roam-client
#   libexec/roam/roam-server-static    (with ROAM_STATIC_SERVER)
#   share/man/man1/roam.1, roam-server.1, roam-client.1
#   share/bash-completion/completions/roam, roam-server, roam-client
#   share/zsh/vendor-completions/_roam
include(GNUInstallDirs)

# Man pages, compressed as Debian installs them (gzip -n: no name or time in
# the file, so builds are reproducible).
set(roam_man_pages)
foreach(page roam roam-server roam-client)
  set(out ${PROJECT_BINARY_DIR}/man/${page}.1.gz)
  add_custom_command(OUTPUT ${out}
                     COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
                     COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/docs/man/${page}.1 > ${out}
                     DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/${page}.1
                     VERBATIM)
  list(APPEND roam_man_pages ${out})
endforeach()
add_custom_target(roam_man_pages ALL DEPENDS ${roam_man_pages})
install(FILES ${roam_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/completion/roam.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME roam)
foreach(alias roam-server roam-client)
  install(FILES ${PROJECT_SOURCE_DIR}/scripts/completion/roam.bash
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ${alias})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/scripts/completion/_roam
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME roam)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "roam developers <roam@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "secure remote shell for real networks (Mosh-compatible, roaming, UDP)")
set(CPACK_PACKAGE_DESCRIPTION
    "roam keeps a remote shell alive across changes of address and outages, shows typing at once with predictive local echo, and speaks the Mosh 1.4 protocol, so stock mosh-client and mosh-server work with it.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "openssh-client")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
