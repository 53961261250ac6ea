#pragma once
/// The signals profilegen passes on to the command it runs (`record`, `run`): those that stop a program and
/// those a service is told things with (nginx: SIGUSR1 reopens its logs, SIGQUIT stops it gracefully; a JVM
/// prints its threads on SIGQUIT). As a container's first process profilegen is where `docker kill -s SIGNAL`
/// arrives, so each of them must reach the command.
#include <signal.h>

#include <array>

namespace profilegen {

inline constexpr std::array<int, 7> kForwardedSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

}  // namespace profilegen
