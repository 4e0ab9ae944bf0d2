// How long this machine's disk takes to make a small write durable: what every acknowledged
// change waits for with --durability full, and what no server on this disk can answer faster
// than. Writes KIB KiB at rotating offsets of a scratch file in DIR and fdatasyncs it, COUNT
// times with a pause of a millisecond between (commits at a moderate rate), then prints the
// median, p90, p99 and longest sync, and how many took over 20 ms.
//   elevate-bench-fsync DIR [COUNT] [KIB]
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char* argv[])
{
    if (argc < 2 || argc > 4) {
        std::fprintf(stderr, "usage: elevate-bench-fsync DIR [COUNT] [KIB]\n");
        return 2;
    }
    const std::string path = std::string(argv[1]) + "/elevate-bench-fsync.scratch";
    const int count = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2000;
    const std::size_t bytes = std::size_t(argc > 3 ? std::max(1, std::atoi(argv[3])) : 64) * 1024;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::fprintf(stderr, "cannot create %s: %s\n", path.c_str(), std::strerror(errno));
        return 1;
    }
    const std::vector<char> block(bytes, 'x');
    std::vector<double> ms;
    ms.reserve(std::size_t(count));
    int status = 0;
    for (int i = 0; i < count; ++i) {
        const off_t offset = off_t((i % 64) * bytes); // the file stays allocated after the first round
        if (::pwrite(fd, block.data(), bytes, offset) != ssize_t(bytes)) {
            std::fprintf(stderr, "write failed: %s\n", std::strerror(errno));
            status = 1;
            break;
        }
        const auto start = std::chrono::steady_clock::now();
        if (::fdatasync(fd) != 0) {
            std::fprintf(stderr, "fdatasync failed: %s\n", std::strerror(errno));
            status = 1;
            break;
        }
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ::close(fd);
    ::unlink(path.c_str());
    if (ms.empty()) {
        return 1;
    }
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) { return ms[std::min(ms.size() - 1, std::size_t(q * double(ms.size())))]; };
    const auto slow = std::count_if(ms.begin(), ms.end(), [](double v) { return v > 20.0; });
    std::printf("fdatasync of %zu KiB, %zu times: p50 %.2f ms, p90 %.2f, p99 %.2f, longest %.2f; %ld over 20 ms\n",
                bytes / 1024, ms.size(), at(0.5), at(0.9), at(0.99), ms.back(), long(slow));
    return status;
}
