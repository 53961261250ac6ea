#include "base/log.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace profilegen {
namespace {

void Print(std::string_view label, const char* colour, std::string_view message) {
  std::string line = "profilegen: ";
  if (!label.empty()) {
    bool c = UseColour(STDERR_FILENO);
    if (c) line += colour;
    line += label;
    if (c) line += "\033[0m";
    line += ": ";
  }
  line += message;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

bool UseColour(int fd) { return ::isatty(fd) && std::getenv("NO_COLOR") == nullptr; }

void PrintError(std::string_view message) { Print("error", "\033[1;31m", message); }
void PrintWarning(std::string_view message) { Print("warning", "\033[1;35m", message); }
void PrintInfo(std::string_view message) { Print("", "", message); }

}  // namespace profilegen
