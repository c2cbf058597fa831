#pragma once
// How many client connections the proxy holds at once (--max-sessions: live sessions and upgrades
// in progress together) and how many of them from one address (--max-per-address). A connection
// is admitted when it is accepted and holds a Ticket until it ends: the ticket goes with the
// upgrade and, once the session is relayed, waits here until the relay announces its end (this
// is a Tap for that, the first of the relay's taps).
#include "protocol/Tap.h"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace rtmtap {

class ConnectionLimits : public Tap {
public:
    // A place taken; given back when the ticket is destroyed. Movable, not copyable.
    class Ticket {
    public:
        Ticket() = default;
        Ticket(Ticket&& other) noexcept;
        Ticket& operator=(Ticket&& other) noexcept;
        ~Ticket();
        Ticket(const Ticket&) = delete;
        Ticket& operator=(const Ticket&) = delete;
        bool valid() const { return limits_ != nullptr; }

    private:
        friend class ConnectionLimits;
        Ticket(ConnectionLimits* limits, std::string address) : limits_(limits), address_(std::move(address)) {}
        void giveBack();
        ConnectionLimits* limits_ = nullptr;
        std::string address_;
    };

    enum class Verdict { Admitted, Full, AddressFull };

    // maxOpen: 0 = no limit; maxPerAddress: 0 = no limit.
    ConnectionLimits(size_t maxOpen, size_t maxPerAddress);

    // Thread-safe. address: the client's IP, without its port.
    Verdict admit(const std::string& address, Ticket& ticket);
    // Thread-safe: keeps the ticket of a relayed session until the relay announces its end.
    void holdUntilEnd(int64_t session, Ticket ticket);
    size_t open() const;
    size_t maxOpen() const { return maxOpen_; }
    size_t maxPerAddress() const { return maxPerAddress_; }

    void onSessionStart(const SessionInfo&) override {}
    void onMessage(const Message&) override {}
    void onMessages(const MessageBatch&) override {}
    void onSessionEnd(const SessionEnd& end) override;

private:
    void release(const std::string& address);

    const size_t maxOpen_, maxPerAddress_;
    mutable std::mutex mutex_;
    size_t open_ = 0;
    std::unordered_map<std::string, size_t> perAddress_;  // only with maxPerAddress
    std::unordered_map<int64_t, Ticket> sessions_;
};

}  // namespace rtmtap
