// SimWorld's files: the real flavour's fs.add, fs.folder.create, fs.update (a move or rename),
// fs.copy and fs.delete, to the members of the file's channel (the backend routes FSEvents by
// their channel). Payloads as NormalizedObjectFactory::normalizeFSEvent builds them.
#include "SimWorld.h"

#include <algorithm>

namespace rtmtap {
namespace {

std::string parentOf(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::string baseName(const std::string& path) {
    return path.substr(path.rfind('/') + 1);
}

bool under(const std::string& path, const std::string& folder) {
    return path.size() > folder.size() + 1 && path.compare(0, folder.size(), folder) == 0 && path[folder.size()] == '/';
}

// A move or copy may go to a free path right under the channel's root or an existing folder.
bool placeable(const std::vector<SimFile>& files, const std::string& root, const std::string& toPath) {
    const std::string parent = parentOf(toPath);
    const bool parentExists = parent == root || std::any_of(files.begin(), files.end(), [&](const SimFile& f) {
                                  return f.folder && f.path == parent;
                              });
    const bool taken = std::any_of(files.begin(), files.end(), [&](const SimFile& f) { return f.path == toPath; });
    return parentExists && !taken && !baseName(toPath).empty();
}

}  // namespace

std::string SimWorld::filesRoot(int64_t channelId) const {
    std::lock_guard lock(mutex_);
    for (const auto& c : channels_) {
        if (c.id == channelId) {
            return "/cf/" + std::to_string(c.filesRoot);
        }
    }
    return "";
}

SimOutputs SimWorld::addFile(int64_t userId, int64_t channelId, const std::string& name, int64_t size) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    if (!channel || !isMember(*channel, userId) || name.empty() || name.find('/') != std::string::npos) {
        return {};
    }
    const std::string root = "/cf/" + std::to_string(channel->filesRoot);
    auto it = std::find_if(files_.begin(), files_.end(), [&](const SimFile& f) { return f.path == root + "/" + name; });
    if (it != files_.end() && it->folder) {
        return {};
    }
    const bool isNew = it == files_.end();
    if (isNew && files_.size() >= 1000) {
        return {};  // bounded memory for long runs: the chatter deletes too
    }
    if (isNew) {
        files_.push_back({nextFileId_++, channelId, root + "/" + name, false, size, userId, nowUnix()});
    } else {
        it->size = size;  // a new version of the file
        it->createdBy = userId;
    }
    // fs.add names the folder the file went into and the file's name.
    auto payload = SimEvents::fsObject(userId, channelId, name, root);
    payload->set("file_size", size);
    payload->set("is_new", isNew);
    return toChannel(*channel, "fs.add", *payload);
}

SimOutputs SimWorld::createFolder(int64_t userId, int64_t channelId, const std::string& name) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    if (!channel || !isMember(*channel, userId) || name.empty() || name.find('/') != std::string::npos) {
        return {};
    }
    const std::string root = "/cf/" + std::to_string(channel->filesRoot);
    const std::string path = root + "/" + name;
    if (std::any_of(files_.begin(), files_.end(), [&](const SimFile& f) { return f.path == path; })) {
        return {};  // "Folder already exists"
    }
    files_.push_back({nextFileId_++, channelId, path, true, 0, userId, nowUnix()});
    return toChannel(*channel, "fs.folder.create", *SimEvents::fsObject(userId, channelId, name, root));
}

SimOutputs SimWorld::moveFile(int64_t userId, int64_t fileId, const std::string& toPath) {
    std::lock_guard lock(mutex_);
    SimFile* file = findFile(fileId);
    SimChannel* channel = file ? findChannel(file->channelId) : nullptr;
    if (!channel || !isMember(*channel, userId)) {
        return {};
    }
    const std::string root = "/cf/" + std::to_string(channel->filesRoot);
    if (!placeable(files_, root, toPath) || under(toPath, file->path)) {
        return {};
    }
    const std::string from = file->path;
    for (auto& f : files_) {
        if (under(f.path, from)) {
            f.path = toPath + f.path.substr(from.size());  // a folder's contents move with it
        }
    }
    file->path = toPath;
    auto payload = SimEvents::fsObject(userId, file->channelId, baseName(toPath), toPath);
    payload->set("previous_path", from);
    return toChannel(*channel, "fs.update", *payload);
}

SimOutputs SimWorld::copyFile(int64_t userId, int64_t fileId, const std::string& toPath) {
    std::lock_guard lock(mutex_);
    SimFile* file = findFile(fileId);
    SimChannel* channel = file ? findChannel(file->channelId) : nullptr;
    if (!channel || !isMember(*channel, userId) || file->folder) {
        return {};  // folders are not copied here
    }
    if (!placeable(files_, "/cf/" + std::to_string(channel->filesRoot), toPath)) {
        return {};
    }
    const SimFile copy{nextFileId_++, file->channelId, toPath, false, file->size, userId, nowUnix()};
    const std::string from = file->path;
    files_.push_back(copy);  // file is invalid from here on
    auto payload = SimEvents::fsObject(userId, copy.channelId, baseName(toPath), toPath);
    payload->set("previous_path", from);
    return toChannel(*channel, "fs.copy", *payload);
}

SimOutputs SimWorld::deleteFile(int64_t userId, int64_t fileId) {
    std::lock_guard lock(mutex_);
    SimFile* file = findFile(fileId);
    SimChannel* channel = file ? findChannel(file->channelId) : nullptr;
    if (!channel || !isMember(*channel, userId)) {
        return {};
    }
    const std::string path = file->path;
    auto payload = SimEvents::fsObject(userId, file->channelId, baseName(path), path);
    files_.erase(std::remove_if(files_.begin(), files_.end(),
                                [&](const SimFile& f) { return f.path == path || under(f.path, path); }),
                 files_.end());
    return toChannel(*channel, "fs.delete", *payload);
}

SimFile* SimWorld::findFile(int64_t id) {
    auto it = std::find_if(files_.begin(), files_.end(), [&](const SimFile& f) { return f.id == id; });
    return it == files_.end() ? nullptr : &*it;
}

}  // namespace rtmtap
