#pragma once
// How the readers (store/Reader, store/FrameSearch) read rows of frames: the columns they select
// and the FrameRow built from them, and the conversions of stored integers the file does not
// guarantee (it is not trusted).
#include "Reader.h"
#include "Statement.h"

namespace rtmtap {

// "SELECT <the columns frameFrom() reads> " over `frames f LEFT JOIN names n`.
extern const char* const kFrameColumns;

FrameRow frameFrom(const Statement& s);
Kind kindFrom(int64_t kind);
Direction directionFrom(int64_t dir);

// Steps statement to its end (or until fn says stop) and always leaves it reset.
template <typename Fn>
void eachRow(Statement& statement, Fn&& fn) {
    try {
        while (statement.step()) {
            if (!fn()) {
                break;
            }
        }
    } catch (...) {
        statement.reset();
        throw;
    }
    statement.reset();
}

}  // namespace rtmtap
