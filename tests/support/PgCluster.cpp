#include "tests/support/PgCluster.h"

#include "pg/PgConnection.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rtmtap::test {
namespace {

namespace fs = std::filesystem;

const char* const kSuperuser = "rtmtap";
const char* const kPort = "5432";  // the socket folder is private, so the usual port never clashes
const char* const kSetpriv = "/usr/bin/setpriv";

bool executable(const fs::path& file) {
    return ::access(file.c_str(), X_OK) == 0;
}

bool hasServerTools(const fs::path& dir) {
    return executable(dir / "initdb") && executable(dir / "pg_ctl") && executable(dir / "postgres");
}

// PATH first, then Debian's /usr/lib/postgresql/<major>/bin (not on PATH), the highest major.
std::string findServerBin() {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (!dir.empty() && hasServerTools(dir)) {
            return dir;
        }
    }
    std::vector<std::pair<int, std::string>> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        const std::string major = entry.path().filename().string();
        if (!major.empty() && std::all_of(major.begin(), major.end(), ::isdigit) && hasServerTools(entry.path() / "bin")) {
            found.emplace_back(std::stoi(major), (entry.path() / "bin").string());
        }
    }
    std::sort(found.rbegin(), found.rend());
    return found.empty() ? "" : found.front().second;
}

// The account the server runs as when the tests run as root; nullptr when they do not.
const passwd* serverAccount() {
    return ::geteuid() == 0 ? ::getpwnam("nobody") : nullptr;
}

void chownTree(const fs::path& root, const passwd* account) {
    if (::chown(root.c_str(), account->pw_uid, account->pw_gid) != 0) {
        throw std::runtime_error("cannot hand " + root.string() + " to nobody");
    }
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (::lchown(entry.path().c_str(), account->pw_uid, account->pw_gid) != 0) {
            throw std::runtime_error("cannot hand " + entry.path().string() + " to nobody");
        }
    }
}

std::string lastLines(const std::string& text, size_t count) {
    size_t at = text.size();
    for (size_t n = 0; n <= count && at != std::string::npos && at > 0; ++n) {
        at = text.rfind('\n', at - 1);
    }
    return at == std::string::npos ? text : text.substr(at + 1);
}

std::string percentEncode(const std::string& text) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

}  // namespace

std::string PgCluster::unavailableReason() {
    if (findServerBin().empty()) {
        return "PostgreSQL server binaries not found (initdb, pg_ctl, postgres): apt-get install postgresql-15";
    }
    if (::geteuid() == 0 && (!::getpwnam("nobody") || !executable(kSetpriv))) {
        return "running as root, PostgreSQL needs the user nobody and /usr/bin/setpriv (util-linux) to start as";
    }
    return "";
}

PgCluster& PgCluster::shared() {
    static PgCluster cluster;
    return cluster;
}

PgCluster::PgCluster() : bin_(findServerBin()), data_(dir_.file("data")), log_(dir_.file("server.log")) {
    if (bin_.empty()) {
        throw std::runtime_error(unavailableReason());
    }
    if (const passwd* account = serverAccount()) {
        chownTree(dir_.path(), account);
    }
    initdb();
    configure();
    start();
}

PgCluster::~PgCluster() {
    try {
        stop();
    } catch (...) {
        killLeftover();
    }
}

void PgCluster::initdb() {
    RunResult r = runTool("initdb", {"-D", data_, "-U", kSuperuser, "-A", "trust", "-E", "UTF8", "--no-locale",
                                     "--no-sync", "--no-instructions"},
                          120000);
    if (r.code() != 0) {
        throw std::runtime_error("initdb failed (" + r.status.describe() + "): " + lastLines(r.out + r.err, 10));
    }
}

void PgCluster::configure() {
    {
        std::ofstream conf(data_ + "/postgresql.conf", std::ios::app);
        conf << "\n# tests/support/PgCluster: a socket in the test's folder only, fast and small\n"
             << "listen_addresses = ''\n"
             << "unix_socket_directories = '" << dir_.path() << "'\n"
             << "port = " << kPort << "\n"
             << "fsync = off\nfull_page_writes = off\n"
             << "shared_buffers = 16MB\nmax_connections = 50\n"
             // containers give /dev/shm 64 MB or less; files in the data folder always work
             << "dynamic_shared_memory_type = mmap\n"
             << "jit = off\n";
        std::ofstream hba(data_ + "/pg_hba.conf", std::ios::trunc);
        hba << "local all shipper scram-sha-256\n"
            << "local all all trust\n";
        if (!conf || !hba) {
            throw std::runtime_error("cannot write the configuration in " + data_);
        }
    }
    if (const passwd* account = serverAccount()) {
        chownTree(data_, account);
    }
}

void PgCluster::start() {
    RunResult r = runTool("pg_ctl", {"start", "-w", "-t", "60", "-s", "-D", data_, "-l", log_}, 90000);
    if (r.code() != 0) {
        killLeftover();
        throw std::runtime_error("PostgreSQL did not start (pg_ctl " + r.status.describe() + ": " +
                                 lastLines(r.out + r.err, 3) + "); the end of " + log_ + ":\n" + logTail());
    }
    running_ = true;
}

void PgCluster::stop() {
    if (!running_) {
        return;
    }
    running_ = false;
    RunResult r = runTool("pg_ctl", {"stop", "-w", "-t", "60", "-s", "-D", data_, "-m", "immediate"}, 90000);
    if (r.code() != 0) {
        killLeftover();
        throw std::runtime_error("pg_ctl stop failed (" + r.status.describe() + "): " + lastLines(r.out + r.err, 3));
    }
}

void PgCluster::restart() {
    stop();
    start();
}

std::string PgCluster::url(const std::string& database) const {
    return "postgresql:///" + database + "?host=" + dir_.path() + "&port=" + kPort + "&user=" + kSuperuser;
}

std::string PgCluster::createDatabase() {
    std::string name = "rtmtap_test_" + std::to_string(++databases_);
    pg::PgConnection(url()).exec("CREATE DATABASE " + name);
    return url(name);
}

std::string PgCluster::passwordUrl(const std::string& password) {
    if (!shipper_) {
        pg::PgConnection(url()).exec("CREATE ROLE shipper LOGIN PASSWORD 'secret'");
        shipper_ = true;
    }
    return "postgresql:///postgres?host=" + dir_.path() + "&port=" + kPort + "&user=shipper&password=" +
           percentEncode(password);
}

RunResult PgCluster::runTool(const std::string& tool, const std::vector<std::string>& args, int timeoutMs) const {
    std::string binary = bin_ + "/" + tool;
    std::vector<std::string> argv = args;
    if (const passwd* account = serverAccount()) {
        argv.insert(argv.begin(), {"--reuid=" + std::to_string(account->pw_uid),
                                   "--regid=" + std::to_string(account->pw_gid), "--clear-groups", "--", binary});
        binary = kSetpriv;
    }
    RunResult r;
    r.status = Process::run(argv, r.out, r.err, timeoutMs, binary);
    return r;
}

std::string PgCluster::logTail() const {
    std::ifstream in(log_);
    std::stringstream text;
    text << in.rdbuf();
    return lastLines(text.str(), 20);
}

// pg_ctl could not stop the server: the postmaster's pid is the first line of postmaster.pid.
void PgCluster::killLeftover() const {
    std::ifstream in(data_ + "/postmaster.pid");
    long pid = 0;
    if (in >> pid && pid > 0) {
        ::kill(static_cast<pid_t>(pid), SIGKILL);
    }
}

}  // namespace rtmtap::test
