// Issue 13: every lint rule fires on a crafted JSONL session. tests/data/lint/<rule-id>.jsonl is
// one hand-written session (or a few) per rule; the binary lints it with that rule alone. The
// rule ids come from LintEngine::allRules(), so a new rule without a fixture fails here, and a
// fixture whose rule was renamed or removed fails too.
#include "lint/LintEngine.h"
#include "tests/support/Process.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace rtmtap {
namespace {

using test::Process;
using test::RunResult;

const std::string kFixtures = std::string(RTMTAP_TEST_DATA) + "/lint";

std::vector<std::string> ruleIds() {
    std::vector<std::string> ids;
    for (const auto& rule : LintEngine::allRules()) {
        ids.emplace_back(rule->id());
    }
    return ids;
}

// The "rule" of every finding line of `rtmtap lint --json`; a line that is not a JSON object
// fails the test.
std::vector<std::string> rulesOf(const std::string& jsonLines) {
    std::vector<std::string> rules;
    std::istringstream in(jsonLines);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) {
            continue;
        }
        try {
            Poco::JSON::Object::Ptr finding =
                Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
            rules.push_back(finding->optValue<std::string>("rule", ""));
        } catch (const Poco::Exception& e) {
            ADD_FAILURE() << "not a JSON object: " << line << " (" << e.displayText() << ")";
        }
    }
    return rules;
}

class LintFixturesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LintFixturesTest, RuleFiresOnItsFixture) {
    const std::string& id = GetParam();
    const std::string file = kFixtures + "/" + id + ".jsonl";
    ASSERT_TRUE(std::filesystem::is_regular_file(file)) << "no fixture for rule " << id << ": add " << file;
    RunResult r = Process::capture({"lint", file, "--rules", id, "--json", "--fail-on", "info"});
    EXPECT_TRUE(r.status.exited && r.status.code == 1) << r.status.describe() << "\n" << r.out << r.err;
    std::vector<std::string> rules = rulesOf(r.out);
    EXPECT_FALSE(rules.empty()) << "no finding for " << id << "\n" << r.err;
    for (const std::string& rule : rules) {
        EXPECT_EQ(rule, id) << r.out;  // --rules asked for this rule alone
    }
}

INSTANTIATE_TEST_SUITE_P(EveryRule, LintFixturesTest, ::testing::ValuesIn(ruleIds()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string name = info.param;  // test names allow no '-'
                             for (char& c : name) {
                                 c = c == '-' ? '_' : c;
                             }
                             return name;
                         });

TEST(LintFixturesDirTest, EveryFixtureNamesARule) {
    const std::vector<std::string> ids = ruleIds();
    const std::set<std::string> known(ids.begin(), ids.end());
    size_t fixtures = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
        ++fixtures;
        const std::filesystem::path& path = entry.path();
        EXPECT_EQ(path.extension(), ".jsonl") << "not a fixture: " << path;
        EXPECT_EQ(known.count(path.stem().string()), 1u) << "stale fixture, no such rule: " << path;
    }
    EXPECT_EQ(fixtures, known.size());
}

}  // namespace
}  // namespace rtmtap
