// Recordings of real programs for the oracle tests. Each scenario starts a
// program under a PtyRunner at the requested size, types a fixed script
// into it (waiting on its output, bounded), marks a checkpoint at every
// moment worth comparing, and returns the recorded output cut at those
// checkpoints. Replaying the segments into two terminals and comparing
// after each segment checks them on exactly the same bytes.

#ifndef ROAM_TESTS_ORACLE_COMMON_RECORDINGS_H_
#define ROAM_TESTS_ORACLE_COMMON_RECORDINGS_H_

#include <string>
#include <vector>

namespace roam::oracle {

struct Recording {
  bool ok = false;
  std::string error;  // why !ok (a program missing or never answering)
  std::vector<std::string> segments;
  std::vector<std::string> labels;  // what the screen shows after each segment
};

// `ls -l --color=always /usr/bin | head -200`.
Recording RecordLsColor(int cols, int rows);
// `man ls` formatted for the terminal, printed through `cat`.
Recording RecordManCat(int cols, int rows);
// `man ls` read with MANPAGER=less: a page down, a search, quit.
Recording RecordManLess(int cols, int rows);
// bash with readline editing: typing, Ctrl-A, Ctrl-E, Ctrl-W, history Up.
Recording RecordBash(int cols, int rows);
// `vim -u NONE -N` on a known file: moving, inserting, :q!.
Recording RecordVim(int cols, int rows);
// `less` on a known file: paging and a search.
Recording RecordLess(int cols, int rows);
// htop (or top when htop is missing): the first screens, then quit.
Recording RecordTop(int cols, int rows);
// A small script that switches to the alternate screen and back.
Recording RecordAltScreen(int cols, int rows);

}  // namespace roam::oracle

#endif  // ROAM_TESTS_ORACLE_COMMON_RECORDINGS_H_
