#pragma once
// SSLKEYLOGFILE: when set, the TLS secrets of every connection rtmtap makes or accepts are
// appended to that file in the NSS key log format (what Firefox, Chromium and curl write), so a
// capture of rtmtap's traffic can be decrypted in Wireshark. The file is opened once per process
// (append, created 0600: the secrets decrypt the traffic) and written a whole line at a time.
typedef struct ssl_ctx_st SSL_CTX;

#include <string>

namespace rtmtap {

class KeyLog {
public:
    // Logs ctx's secrets when $SSLKEYLOGFILE (or the test path) is set; otherwise does nothing.
    // A file that cannot be opened is said once on stderr, and nothing is logged.
    static void install(SSL_CTX* ctx);
    // Tests: log to path instead of $SSLKEYLOGFILE ("" goes back to the environment). Contexts
    // installed before write to the new file too.
    static void setPathForTests(const std::string& path);
};

}  // namespace rtmtap
