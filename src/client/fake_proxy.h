// RunFakeProxy: the ssh ProxyCommand half of `roam` (docs/protocol.md §0.2 step 3).
//
// ssh runs `roam --fake-proxy -- HOST PORT` as its ProxyCommand. This
// resolves HOST for the chosen address family, connects to it over TCP,
// prints `MOSH IP <numeric address>` on stderr (ssh passes it through, and
// the bootstrap reads it to learn exactly which address ssh reached), then
// copies bytes both ways until both directions end. The UDP session later
// goes to that same address.

#ifndef ROAM_CLIENT_FAKE_PROXY_H_
#define ROAM_CLIENT_FAKE_PROXY_H_

#include <string>

#include "client/roam_options.h"

namespace roam::client {

// Returns the process exit status: 0 when the relay ended normally, 1 (with
// a message on stderr) when HOST could not be resolved or reached.
int RunFakeProxy(const std::string& host, const std::string& port, AddressFamily family);

}  // namespace roam::client

#endif  // ROAM_CLIENT_FAKE_PROXY_H_
