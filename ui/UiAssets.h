#pragma once
// The page's files (ui/web), compiled into the binary by cmake/EmbedFiles.cmake.
#include <string_view>
#include <vector>

namespace rtmtap::ui {

struct UiAsset {
    std::string_view name;   // "index.html", "app.js"
    std::string_view bytes;
};

const std::vector<UiAsset>& uiAssets();

}  // namespace rtmtap::ui
