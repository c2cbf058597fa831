#include "ConnectionLimits.h"

namespace rtmtap {

ConnectionLimits::Ticket::Ticket(Ticket&& other) noexcept
    : limits_(other.limits_), address_(std::move(other.address_)) {
    other.limits_ = nullptr;
}

ConnectionLimits::Ticket& ConnectionLimits::Ticket::operator=(Ticket&& other) noexcept {
    if (this != &other) {
        giveBack();
        limits_ = other.limits_;
        address_ = std::move(other.address_);
        other.limits_ = nullptr;
    }
    return *this;
}

ConnectionLimits::Ticket::~Ticket() {
    giveBack();
}

void ConnectionLimits::Ticket::giveBack() {
    if (limits_) {
        limits_->release(address_);
        limits_ = nullptr;
    }
}

ConnectionLimits::ConnectionLimits(size_t maxOpen, size_t maxPerAddress)
    : maxOpen_(maxOpen), maxPerAddress_(maxPerAddress) {}

ConnectionLimits::Verdict ConnectionLimits::admit(const std::string& address, Ticket& ticket) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (maxOpen_ != 0 && open_ >= maxOpen_) {
        return Verdict::Full;
    }
    if (maxPerAddress_ != 0) {
        size_t& count = perAddress_[address];
        if (count >= maxPerAddress_) {
            return Verdict::AddressFull;
        }
        ++count;
    }
    ++open_;
    ticket = Ticket(this, address);
    return Verdict::Admitted;
}

void ConnectionLimits::release(const std::string& address) {
    std::lock_guard<std::mutex> lock(mutex_);
    --open_;
    if (maxPerAddress_ != 0) {
        auto it = perAddress_.find(address);
        if (it != perAddress_.end() && --it->second == 0) {
            perAddress_.erase(it);  // the map holds only addresses with a connection open
        }
    }
}

void ConnectionLimits::holdUntilEnd(int64_t session, Ticket ticket) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Ids are unique; were one not, the ticket parameter is given back after the lock is released.
    sessions_.try_emplace(session, std::move(ticket));  // try_emplace: untouched when the id is there
}

void ConnectionLimits::onSessionEnd(const SessionEnd& end) {
    Ticket ticket;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = sessions_.find(end.id);
        if (it == sessions_.end()) {
            return;
        }
        ticket = std::move(it->second);
        sessions_.erase(it);
    }
}  // the ticket is given back here, outside the lock

size_t ConnectionLimits::open() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return open_;
}

}  // namespace rtmtap
