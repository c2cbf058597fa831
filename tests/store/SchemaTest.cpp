// store/Schema: the file's identity (version 12), made once at create and by the migration.
#include "store/Database.h"
#include "store/Schema.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

bool isHex32(const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(SchemaTest, ANewFileGetsAnIdentityThatStays) {
    test::TempDir dir;
    std::string first;
    {
        Database db(dir.file("a.db"), Database::Mode::ReadWriteCreate);
        Schema::prepareForWriting(db);
        first = Schema::databaseId(db);
        EXPECT_TRUE(isHex32(first)) << first;
    }
    Database again(dir.file("a.db"), Database::Mode::ReadWrite);
    Schema::prepareForWriting(again);
    EXPECT_EQ(Schema::databaseId(again), first);

    Database other(dir.file("b.db"), Database::Mode::ReadWriteCreate);
    Schema::prepareForWriting(other);
    EXPECT_NE(Schema::databaseId(other), first);
}

TEST(SchemaTest, TheMigrationGivesAnOlderFileAnIdentity) {
    test::TempDir dir;
    {
        Database db(dir.file("old.db"), Database::Mode::ReadWriteCreate);
        Schema::prepareForWriting(db);
        db.exec("DELETE FROM meta WHERE key = 'db_id'; PRAGMA user_version = 11");
        EXPECT_THROW(Schema::databaseId(db), DatabaseError);
    }
    Database db(dir.file("old.db"), Database::Mode::ReadOnly);
    Schema::checkForReading(db);
    EXPECT_EQ(db.queryInt("PRAGMA user_version"), 12);
    EXPECT_TRUE(isHex32(Schema::databaseId(db)));
}

}  // namespace
}  // namespace rtmtap
