#pragma once
// The simulator's background life. Each tick performs one activity on the world: first a fixed
// tour that produces every event type of the document (so a client sees all of them within the
// first minute at the default rate), then random activity drawn from a seeded generator, so the
// same seed gives the same run. The real flavour adds a second tour through the events real
// traffic carries beyond the document (fs.*, team.*, channel.group.*, channel.join.update,
// action.update/move/delete, alert.update) and mixes them into the random activity; the doc
// flavour's steps and draws stay as they were.
#include "SimWorld.h"

#include <random>

namespace rtmtap {

class SimChatter {
public:
    explicit SimChatter(uint64_t seed) : rng_(seed) {}
    SimOutputs tick(SimWorld& world);
    static constexpr int kTourSteps = 18;
    static constexpr int kRealTourSteps = 21;  // the real flavour's, after the document's tour

private:
    SimOutputs tourStep(SimWorld& world, const SimSnapshot& snap, int step);
    SimOutputs randomStep(SimWorld& world, const SimSnapshot& snap);
    SimOutputs channelLife(SimWorld& world, const SimSnapshot& snap, int64_t actor);
    SimOutputs realTourStep(SimWorld& world, const SimSnapshot& snap, int step);
    SimOutputs realLife(SimWorld& world, const SimSnapshot& snap, int64_t actor);
    SimOutputs fileLife(SimWorld& world, const SimSnapshot& snap, int64_t actor, int64_t channel);
    SimOutputs actionLife(SimWorld& world, const SimSnapshot& snap, int64_t actor, int64_t channel);
    SimOutputs teamLife(SimWorld& world, const SimSnapshot& snap);
    SimOutputs groupLife(SimWorld& world, const SimSnapshot& snap, int64_t owner);
    SimOutputs joinLife(SimWorld& world, const SimSnapshot& snap);
    int64_t pickActor(const SimSnapshot& snap);
    int64_t pickOther(const SimSnapshot& snap, int64_t a, int64_t b);
    int64_t target(const SimSnapshot& snap) const;
    int64_t lastMessageBy(const SimSnapshot& snap, int64_t userId, int64_t channelId) const;
    std::string phrase();
    uint64_t below(uint64_t n) { return n ? rng_() % n : 0; }

    std::mt19937_64 rng_;
    int step_ = 0;
    int64_t tourChannel_ = 0;
    int64_t tourOther_ = 0;
};

}  // namespace rtmtap
