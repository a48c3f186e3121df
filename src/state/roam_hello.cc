#include "state/roam_hello.h"

#include "wire/roam_extensions.pb.h"

namespace roam::state {

void ToProto(const RoamHello& hello, RoamBuffers::Hello* out) {
  out->set_version(hello.version);
  out->set_features(hello.features);
  out->set_initial_max_data(hello.initial_max_data);
  out->set_initial_max_stream_data(hello.initial_max_stream_data);
  out->set_initial_max_streams(hello.initial_max_streams);
  if (hello.no_terminal) out->set_no_terminal(true);
}

RoamHello FromProto(const RoamBuffers::Hello& in) {
  RoamHello hello;
  hello.version = in.version();
  hello.features = in.features();
  hello.initial_max_data = in.initial_max_data();
  hello.initial_max_stream_data = in.initial_max_stream_data();
  hello.initial_max_streams = in.initial_max_streams();
  hello.no_terminal = in.no_terminal();
  return hello;
}

}  // namespace roam::state
