#include "LintStore.h"

#include "store/FrameWriter.h"
#include "store/Reader.h"

#include <utility>

namespace rtmtap::cli {

bool LintStore::recordedLive(Reader& reader, int64_t session, std::vector<Finding>& out) {
    out.clear();
    for (StoredFinding& stored : reader.findings(session)) {
        if (stored.source == FindingSource::Live) {
            out.push_back(std::move(stored.finding));
        }
    }
    return !out.empty();
}

void LintStore::add(int64_t session, const std::vector<Finding>& findings) {
    FindingBatch batch;
    batch.session = session;
    batch.source = FindingSource::Lint;
    batch.replace = true;
    batch.findings = findings;
    batches_.push_back(std::move(batch));
}

void LintStore::write(const std::string& db) const {
    FrameWriter writer(db, false, 0, WriterRole::Importer);
    writer.begin();
    try {
        for (const FindingBatch& batch : batches_) {
            writer.write(batch);
        }
        writer.commit();
    } catch (...) {
        writer.rollback();
        throw;
    }
}

}  // namespace rtmtap::cli
