// Multi-threaded C++: four workers hash chunks of a file they each open, under a mutex and a condition variable.
#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

int main() {
  std::mutex mu;
  std::condition_variable cv;
  int done = 0;
  unsigned long total = 0;
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&, i] {
      int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
      char buf[512];
      ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : 0;
      if (fd >= 0) close(fd);
      unsigned long h = static_cast<unsigned long>(i);
      for (ssize_t k = 0; k < n; ++k) h = h * 31 + static_cast<unsigned char>(buf[k]);
      std::lock_guard<std::mutex> lock(mu);
      total += h % 7;
      ++done;
      cv.notify_one();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done == 4; });
  }
  for (auto& t : workers) t.join();
  std::printf("threads: 4 workers done\n");
  return 0;
}
