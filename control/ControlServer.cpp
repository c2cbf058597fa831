#include "ControlServer.h"

#include "InterceptConnection.h"
#include "JsonLineChannel.h"
#include "UnixSocketAddress.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/TCPServerParams.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace rtmtap {

class ControlServer::Connection : public Poco::Net::TCPServerConnection {
public:
    Connection(const Poco::Net::StreamSocket& socket, ControlServer& server)
        : TCPServerConnection(socket), server_(server) {}
    // Closed here, by the thread that used it, as POCO's HTTP server does. Else the descriptor
    // closes where the last reference drops, maybe TCPServer's accept thread: ordered at run time
    // by POCO's atomic reference count, but ThreadSanitizer sees no order inside POCO's library.
    void run() override {
        server_.serve(socket());
        socket().close();
    }

private:
    ControlServer& server_;
};

class ControlServer::Factory : public Poco::Net::TCPServerConnectionFactory {
public:
    explicit Factory(ControlServer& server) : server_(server) {}
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
        return new Connection(socket, server_);
    }

private:
    ControlServer& server_;
};

namespace {

Poco::Timespan ms(int milliseconds) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(milliseconds) * 1000);
}

// A socket file at path from an earlier proxy: replaced when nobody answers on it any more.
void removeStale(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        return;  // nothing there (or the bind below says why not)
    }
    if (!S_ISSOCK(st.st_mode)) {
        throw std::runtime_error("'" + path + "' exists and is not a socket (remove it, or pass another --db)");
    }
    try {
        UnixSocketAddress address(path);
        Poco::Net::StreamSocket probe;
        probe.connect(address.address(), ms(2000));
    } catch (const Poco::Net::ConnectionRefusedException&) {
        ::unlink(path.c_str());  // left by a proxy that did not exit cleanly
        return;
    } catch (const Poco::TimeoutException&) {
        // A full backlog: someone is there.
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot check the control socket '" + path + "': " + e.displayText());
    }
    throw ControlSocketBusy("another rtmtap proxy is running on this database: its control socket '" + path +
                            "' answers (stop that proxy, or pass another --db)");
}

// Bound and made 0600 before listen(): until then a connect is refused, so nobody else gets in
// through the moment the file has the umask's mode.
Poco::Net::ServerSocket bindPrivate(const std::string& path, int backlog) {
    UnixSocketAddress address(path);
    Poco::Net::ServerSocket socket;
    try {
        socket.bind(address.address(), false);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot create the control socket '" + path + "': " + e.displayText());
    }
    if (::chmod(path.c_str(), 0600) != 0) {
        int error = errno;
        ::unlink(path.c_str());
        throw std::runtime_error("cannot make the control socket '" + path + "' private: " + std::strerror(error));
    }
    socket.listen(backlog);
    return socket;
}

}  // namespace

std::string ControlServer::pathFor(const std::string& dbPath) {
    return dbPath + ".ctl";
}

ControlServer::ControlServer(std::string path, Proxy& proxy, LiveSessions& live, ControlServerOptions options)
    : path_(std::move(path)), handler_(proxy, live), options_(options) {
    removeStale(path_);
    Poco::Net::ServerSocket socket = bindPrivate(path_, options_.maxConnections * 4);
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0) {
        dev_ = st.st_dev;
        ino_ = st.st_ino;
    }
    try {
        Poco::Net::TCPServerParams::Ptr params(new Poco::Net::TCPServerParams);
        params->setMaxThreads(options_.maxConnections);
        params->setMaxQueued(options_.maxConnections * 4);
        params->setThreadIdleTime(Poco::Timespan(10, 0));
        pool_ = std::make_unique<Poco::ThreadPool>(1, options_.maxConnections, 60, 256 * 1024);
        server_ = std::make_unique<Poco::Net::TCPServer>(new Factory(*this), *pool_, socket, params);
        server_->start();
    } catch (...) {
        ::unlink(path_.c_str());  // no destructor runs: do not leave a socket nobody serves
        throw;
    }
}

ControlServer::~ControlServer() {
    stop();
}

void ControlServer::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopped_) {
            return;
        }
        stopped_ = stopping_ = true;
        for (Poco::Net::StreamSocket* socket : open_) {
            try {
                socket->shutdown();  // wakes its thread out of a read
            } catch (const Poco::Exception&) {
            }
        }
    }
    server_->stop();
    {
        std::unique_lock<std::mutex> lock(mutex_);
        idle_.wait(lock, [this] { return open_.empty(); });
    }
    pool_->joinAll();
    server_.reset();
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) {
        ::unlink(path_.c_str());
    }
}

bool ControlServer::enter(Poco::Net::StreamSocket& socket) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
        return false;
    }
    open_.insert(&socket);
    return true;
}

void ControlServer::leave(Poco::Net::StreamSocket& socket) {
    std::lock_guard<std::mutex> lock(mutex_);
    open_.erase(&socket);
    idle_.notify_all();
}

void ControlServer::serve(Poco::Net::StreamSocket& socket) {
    if (!enter(socket)) {
        return;
    }
    try {
        socket.setReceiveTimeout(ms(options_.idleTimeoutMs));
        socket.setSendTimeout(ms(options_.sendTimeoutMs));
        JsonLineChannel channel(socket, options_.maxLine);
        std::string line;
        for (;;) {
            JsonLineChannel::Read r = channel.readLine(line);
            if (r == JsonLineChannel::Read::TooLong) {
                channel.writeLine(ControlHandler::error(
                    "too_long", "the request is longer than " + std::to_string(options_.maxLine) + " bytes"));
                break;
            }
            if (r != JsonLineChannel::Read::Line) {
                break;  // the client is done, gone or stalled
            }
            if (line.find_first_not_of(" \t") == std::string::npos) {
                continue;
            }
            std::optional<InterceptRequest> intercept;
            const std::string answer = handler_.answer(line, &intercept);
            if (!intercept) {
                channel.writeLine(answer);
            } else if (!InterceptConnection(handler_, channel).run(*intercept, answer)) {
                break;  // it ended intercepting (it held nothing after)
            }
        }
    } catch (const std::exception&) {
        // A client that went away or stopped reading: only its connection ends.
    }
    leave(socket);
}

}  // namespace rtmtap
