#include "e2e/tools/tool_tree.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "base/random.h"
#include "e2e/common/process_probe.h"
#include "e2e/common/sha256_hex.h"
#include "support/sshd_fixture.h"

namespace roam::testing {

void WriteRandomFile(const std::string& path, size_t size, uint64_t seed) {
  SeededRandom random(seed);
  std::ofstream out(path, std::ios::binary);
  std::string chunk;
  for (size_t done = 0; done < size;) {
    chunk.resize(std::min<size_t>(1 << 20, size - done));
    for (size_t i = 0; i < chunk.size(); i += 8) {
      uint64_t v = random.Next();
      for (size_t j = 0; j < 8 && i + j < chunk.size(); ++j) {
        chunk[i + j] = static_cast<char>(v >> (8 * j));
      }
    }
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    done += chunk.size();
  }
}

void WriteTree(const std::string& dir, int files, size_t large, uint64_t seed) {
  SeededRandom random(seed);
  for (int i = 0; i < files; ++i) {
    const std::string sub = dir + "/d" + std::to_string(i % 10);
    std::filesystem::create_directories(sub);
    WriteRandomFile(sub + "/f" + std::to_string(i), random.Uniform(4096), seed * 1000 + i);
  }
  WriteRandomFile(dir + "/large.bin", large, seed * 7 + 1);
}

std::string FileDigest(const std::string& path) { return Sha256FileHex(path).value_or(""); }

std::string TreeDigest(const std::string& dir) {
  if (!std::filesystem::is_directory(dir)) return "";
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) paths.push_back(std::filesystem::relative(e.path(), dir).string());
  }
  std::sort(paths.begin(), paths.end());
  std::string all;
  for (const std::string& p : paths) all += p + " " + FileDigest(dir + "/" + p) + "\n";
  return std::to_string(paths.size()) + " files " + Sha256Hex(all);
}

std::string WriteRoamWrapper(const std::string& dir, const std::string& ssh_command,
                             const std::string& extra_flags) {
  const std::string path = dir + "/roam";
  std::ofstream(path) << "#!/bin/sh\nexec " << ShellQuote(RoamProgram("roam"))
                      << " --ssh=" << ShellQuote(ssh_command) << " " << extra_flags << " \"$@\"\n";
  chmod(path.c_str(), 0755);
  return path;
}

}  // namespace roam::testing
