#include "FrameSearch.h"

#include "Database.h"
#include "FrameRows.h"
#include "KeyBloom.h"

#include <limits>
#include <utility>

namespace rtmtap {
namespace {

constexpr int64_t kMinId = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();

const char* const kFromOneSession =
    "FROM frames f INDEXED BY frames_by_session LEFT JOIN names n ON n.id = f.name_id WHERE f.session = ?1 AND ";
const char* const kFromText =
    "FROM frames_fts t JOIN frames f ON f.id = t.rowid LEFT JOIN names n ON n.id = f.name_id "
    "WHERE frames_fts MATCH ?1 AND t.rowid <= ?2 AND ";
// NOT INDEXED keeps SQLite on the rowid range whatever other index the condition could use.
const char* const kFromRange =
    "FROM frames f NOT INDEXED LEFT JOIN names n ON n.id = f.name_id WHERE f.id > ?1 AND f.id <= ?2 AND ";

// The frames stored findings are about (few: a handful a session), by rule through
// findings_by_rule, then each frame by its (session, seq) and its rowid.
const char* const kFromFindings =
    "FROM frames f LEFT JOIN names n ON n.id = f.name_id WHERE f.id IN (SELECT x.id FROM findings g "
    "JOIN frames x INDEXED BY frames_by_session ON x.session = g.session AND x.seq = g.seq WHERE ";

// Keys a block must hold for a frame of it to pass: one of each group.
class KeyGroups {
public:
    void add(KeyTag tag, const std::vector<int64_t>& values) {
        if (!values.empty()) {
            std::vector<uint64_t> keys;
            for (int64_t v : values) {
                keys.push_back(frameKey(tag, v));
            }
            groups_.push_back(std::move(keys));
        }
    }

    bool matches(std::string_view filter) const {
        for (const std::vector<uint64_t>& group : groups_) {
            bool any = false;
            for (uint64_t key : group) {
                if (KeyBloom::mayContain(filter, key)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    bool empty() const { return groups_.empty(); }

private:
    std::vector<std::vector<uint64_t>> groups_;
};

// One read transaction for the whole search: the block rows, the frames after the last block and
// the text index's mark are all read from the same snapshot while the recorder goes on writing.
class ReadTransaction {
public:
    explicit ReadTransaction(Database& db) : db_(db) { db_.exec("BEGIN"); }
    ~ReadTransaction() {
        try {
            db_.exec("COMMIT");
        } catch (...) {
            // A read transaction has nothing to lose.
        }
    }

private:
    Database& db_;
};

void bindAll(Statement& statement, const FrameFilterSql& sql, int firstParam) {
    for (size_t i = 0; i < sql.values.size(); ++i) {
        bindValue(statement, firstParam + static_cast<int>(i), sql.values[i]);
    }
}

}  // namespace

void bindValue(Statement& statement, int index, const SqlValue& value) {
    if (const auto* i = std::get_if<int64_t>(&value)) {
        statement.bind(index, *i);
    } else if (const auto* d = std::get_if<double>(&value)) {
        statement.bindReal(index, *d);
    } else {
        statement.bindText(index, std::get<std::string>(value));
    }
}

// One search: chooses the index for the filter and calls onRow for each row of the statements it
// runs (the frames' columns, or one count(*) row per statement when counting).
class FrameSearch::Plan {
public:
    using OnRow = std::function<bool(Statement&)>;

    Plan(FrameSearch& search, const FrameFilter& filter, SearchOrder order, bool counting, OnRow onRow)
        : search_(search),
          filter_(filter),
          desc_(order == SearchOrder::Descending),
          select_(counting ? "SELECT count(*) " : kFrameColumns),
          counting_(counting),
          onRow_(std::move(onRow)) {}

    void run() {
        // One session is read through its index even with --text: its words are then scanned,
        // which is bounded by the session's size, where the text index could walk every match
        // of a common word in the whole file to find the few of this session.
        if (filter_.sessions.size() == 1) {
            oneSession();
            return;
        }
        if (!filter_.findings.empty()) {
            withFindings();
            return;
        }
        KeyGroups groups;
        if (!keyGroups(groups)) {
            return;  // no name matches the --event/--command patterns
        }
        bool blocksIndexed = hasTable("frame_blocks");
        std::string text = ftsQuery(filter_.words);
        int64_t textUpTo = text.empty() || !hasTable("frames_fts") ? 0 : metaInt("text_indexed_upto");
        if (textUpTo > 0 && !(blocksIndexed && blocksNarrowerThanText(text, groups))) {
            textIndex(text, textUpTo);
            return;
        }
        blocks(groups, blocksIndexed);
    }

private:
    std::string orderBy(const char* column) const {
        if (counting_) {
            return "";
        }
        return std::string(" ORDER BY ") + column + (desc_ ? " DESC" : "");
    }

    // Steps statement, giving each row to onRow; false when onRow asked to stop.
    bool rows(Statement& statement) {
        bool going = true;
        eachRow(statement, [&] { return going = onRow_(statement); });
        return going;
    }

    void oneSession() {
        FrameFilterSql cond = toSql(filter_, 2, WordMatch::Scan);
        Statement& s = search_.statement(select_ + kFromOneSession + "(" + cond.condition + ")" + orderBy("f.seq"));
        s.bind(1, filter_.sessions.front());
        bindAll(s, cond, 2);
        rows(s);
    }

    void withFindings() {
        const std::vector<std::string>& rules = filter_.findings;
        std::string ruleTerms;
        for (size_t i = 0; i < rules.size(); ++i) {
            ruleTerms += (i ? " OR " : "") + std::string("g.rule GLOB ?") + std::to_string(i + 1);
        }
        const int firstParam = static_cast<int>(rules.size()) + 1;
        FrameFilterSql cond = toSql(filter_, firstParam, WordMatch::Scan);
        Statement& s = search_.statement(select_ + kFromFindings + ruleTerms + ") AND (" + cond.condition + ")" +
                                         orderBy("f.id"));
        for (size_t i = 0; i < rules.size(); ++i) {
            s.bindText(static_cast<int>(i) + 1, rules[i]);
        }
        bindAll(s, cond, firstParam);
        rows(s);
    }

    void textIndex(const std::string& text, int64_t upTo) {
        FrameFilterSql cond = toSql(filter_, 3, WordMatch::Index);
        Statement& s = search_.statement(select_ + kFromText + "(" + cond.condition + ")" + orderBy("t.rowid"));
        auto indexed = [&] {
            s.bindText(1, text);
            s.bind(2, upTo);
            bindAll(s, cond, 3);
            return rows(s);
        };
        auto after = [&] { return range(upTo, kMaxId); };
        desc_ ? (after() && indexed()) : (indexed() && after());
    }

    void blocks(const KeyGroups& groups, bool indexed) {
        int64_t lastBlocked = indexed ? lastBlockedId() : 0;
        auto blocked = [&] { return !indexed || scanBlocks(groups); };
        auto after = [&] { return range(lastBlocked, kMaxId); };
        desc_ ? (after() && blocked()) : (blocked() && after());
    }

    // With --text and a filter the blocks can narrow (--channel 7, a time range), which index
    // has fewer frames to read: a common word's millions of matches in the text index, or the
    // few blocks that may hold channel 7 (whose words are then scanned). The text index is
    // counted only up to what the blocks would cost.
    bool blocksNarrowerThanText(const std::string& text, const KeyGroups& groups) {
        if (groups.empty() && !filter_.sinceUs && !filter_.untilUs) {
            return false;
        }
        int64_t blockFrames = 0;
        forEachCandidateBlock(groups, false, [&](int64_t first, int64_t last) {
            blockFrames += last - first + 1;
            return true;
        });
        Statement& s = search_.statement(
            "SELECT count(*) FROM (SELECT rowid FROM frames_fts WHERE frames_fts MATCH ?1 LIMIT ?2)");
        s.bindText(1, text);
        s.bind(2, blockFrames + 1);
        int64_t textFrames = s.step() ? s.columnInt(0) : 0;
        s.reset();
        return textFrames > blockFrames;
    }

    // Calls fn(first_id, last_id) for each block whose time range and Bloom filter may hold a
    // match, in id order (descending when desc); fn returns false to stop. False when stopped.
    template <typename Fn>
    bool forEachCandidateBlock(const KeyGroups& groups, bool desc, Fn&& fn) {
        Statement& b = search_.statement(
            "SELECT first_id, last_id, keys FROM frame_blocks WHERE max_wall_us >= ?1 AND min_wall_us <= ?2 "
            "ORDER BY first_id" +
            std::string(desc ? " DESC" : ""));
        b.bind(1, filter_.sinceUs.value_or(kMinId));
        b.bind(2, filter_.untilUs.value_or(kMaxId));
        bool going = true;
        eachRow(b, [&] {
            if (groups.matches(b.columnBlob(2))) {
                going = fn(b.columnInt(0), b.columnInt(1));
            }
            return going;
        });
        return going;
    }

    bool scanBlocks(const KeyGroups& groups) {
        return forEachCandidateBlock(groups, desc_, [&](int64_t first, int64_t last) { return range(first - 1, last); });
    }

    // The frames with after < id <= upTo that pass the filter, words matched by scanning.
    bool range(int64_t after, int64_t upTo) {
        if (!rangeSql_) {
            rangeSql_ = std::make_unique<FrameFilterSql>(toSql(filter_, 3, WordMatch::Scan));
        }
        Statement& s = search_.statement(select_ + kFromRange + "(" + rangeSql_->condition + ")" + orderBy("f.id"));
        s.bind(1, after);
        s.bind(2, upTo);
        bindAll(s, *rangeSql_, 3);
        return rows(s);
    }

    // False when a name filter matches no name at all: nothing can match.
    bool keyGroups(KeyGroups& groups) {
        groups.add(KeyTag::Session, filter_.sessions);
        groups.add(KeyTag::Channel, filter_.channels);
        groups.add(KeyTag::Message, filter_.messages);
        groups.add(KeyTag::User, filter_.users);
        for (auto [wanted, flag] : {std::pair<bool, uint32_t>{filter_.malformed, MessageFlag::Malformed},
                                    {filter_.edited, MessageFlag::Edited},
                                    {filter_.injected, MessageFlag::Injected}}) {
            if (wanted) {
                groups.add(KeyTag::Flag, {static_cast<int64_t>(flag)});
            }
        }
        if (filter_.events.empty() && filter_.commands.empty()) {
            return true;
        }
        std::vector<int64_t> names;
        Statement& s = search_.statement("SELECT id FROM names WHERE name GLOB ?1");
        for (const auto* patterns : {&filter_.events, &filter_.commands}) {
            for (const std::string& pattern : *patterns) {
                s.bindText(1, pattern);
                eachRow(s, [&] {
                    names.push_back(s.columnInt(0));
                    return true;
                });
            }
        }
        groups.add(KeyTag::Name, names);
        return !names.empty();
    }

    bool hasTable(const char* name) {
        Statement& s = search_.statement("SELECT count(*) FROM sqlite_master WHERE name = ?1");
        s.bindText(1, name);
        int64_t n = s.step() ? s.columnInt(0) : 0;
        s.reset();
        return n > 0;
    }

    int64_t metaInt(const char* key) {
        Statement& s = search_.statement("SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?1");
        s.bindText(1, key);
        int64_t value = s.step() ? s.columnInt(0) : 0;
        s.reset();
        return value;
    }

    int64_t lastBlockedId() {
        Statement& s = search_.statement("SELECT last_id FROM frame_blocks ORDER BY first_id DESC LIMIT 1");
        int64_t id = s.step() ? s.columnInt(0) : 0;
        s.reset();
        return id;
    }

    FrameSearch& search_;
    const FrameFilter& filter_;
    bool desc_;
    std::string select_;
    bool counting_;
    OnRow onRow_;
    std::unique_ptr<FrameFilterSql> rangeSql_;
};

FrameSearch::FrameSearch(Database& db) : db_(db) {}

FrameSearch::~FrameSearch() = default;

void FrameSearch::run(const FrameFilter& filter, SearchOrder order, const std::function<bool(const FrameRow&)>& fn) {
    ReadTransaction transaction(db_);
    Plan(*this, filter, order, false, [&](Statement& s) { return fn(readFrame(SqliteColumns{s})); }).run();
}

int64_t FrameSearch::count(const FrameFilter& filter) {
    ReadTransaction transaction(db_);
    int64_t total = 0;
    Plan(*this, filter, SearchOrder::Ascending, true, [&](Statement& s) {
        total += s.columnInt(0);
        return true;
    }).run();
    return total;
}

Statement& FrameSearch::statement(const std::string& sql) {
    std::unique_ptr<Statement>& slot = statements_[sql];
    if (!slot) {
        slot = std::make_unique<Statement>(db_, sql);
    }
    return *slot;
}

}  // namespace rtmtap
