#pragma once
/// Messages to the user on stderr: one prefix for every message, colour only on a terminal.
#include <string>
#include <string_view>

namespace profilegen {

/// "profilegen: error: MESSAGE"
void PrintError(std::string_view message);
/// "profilegen: warning: MESSAGE"
void PrintWarning(std::string_view message);
/// "profilegen: MESSAGE"
void PrintInfo(std::string_view message);
/// Whether stderr (fd 2) / stdout (fd 1) is a terminal and NO_COLOR is unset.
bool UseColour(int fd);

}  // namespace profilegen
