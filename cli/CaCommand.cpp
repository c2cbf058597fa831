// `rtmtap ca init|show|export`: rtmtap's own CA for the regular proxy mode's TLS interception,
// and how to make browsers and devices trust it. Only the certificate is ever printed or
// exported; the key stays in its folder.
#include "Commands.h"
#include "proxy/CertAuthority.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <memory>
#include <string>
#include <unistd.h>

namespace rtmtap::cli {
namespace {

struct CaOptions {
    std::string dir = CertAuthority::defaultDir();
    bool der = false;
    std::string output;
};

// The certificate's DER in base64 on one line (the PEM body), for the Chromium policy.
std::string base64Der(const std::string& pem) {
    std::string out;
    size_t start = pem.find('\n');
    size_t end = pem.find("-----END");
    for (size_t i = start; start != std::string::npos && end != std::string::npos && i < end; ++i) {
        if (pem[i] != '\n' && pem[i] != '\r') {
            out += pem[i];
        }
    }
    return out;
}

void printHowToTrust(const CertAuthority& ca, std::ostream& out) {
    const std::string pem = ca.certPath();
    out << "\nTrust it (only on machines and devices you test with: whoever has the key can read their TLS):\n"
        << "  Debian/Ubuntu (system-wide: curl, Python, Node with --use-openssl-ca, ...):\n"
        << "    sudo cp " << pem << " /usr/local/share/ca-certificates/rtmtap-ca.crt && sudo update-ca-certificates\n"
        << "  Firefox: Settings > Privacy & Security > Certificates > View Certificates > Authorities >\n"
        << "    Import " << pem << " (trust it to identify websites), or the policy\n"
        << "    /etc/firefox/policies/policies.json: {\"policies\": {\"Certificates\": {\"Install\": [\"" << pem << "\"]}}}\n"
        << "  Chromium/Chrome on Linux (NSS database of your user; libnss3-tools has certutil):\n"
        << "    certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n rtmtap -i " << pem << "\n"
        << "    or the policy (Chromium 131 or later) /etc/chromium/policies/managed/rtmtap.json:\n"
        << "    {\"CACertificates\": [\"" << base64Der(ca.certPem()) << "\"]}\n"
        << "  Android: rtmtap ca export --der -o rtmtap-ca.der; copy it to the device (adb push rtmtap-ca.der\n"
        << "    /sdcard/Download/), then Settings > Security > Encryption & credentials > Install a certificate >\n"
        << "    CA certificate. Apps trust user CAs only when built with a network_security_config holding\n"
        << "    <debug-overrides><trust-anchors><certificates src=\"user\"/></trust-anchors></debug-overrides>\n"
        << "    (a debug build); Chrome on Android trusts them.\n"
        << "  iOS/iPadOS: AirDrop or mail yourself " << pem << " (or the .der),\n"
        << "    open it and install the profile (Settings > General > VPN & Device Management), then turn on\n"
        << "    full trust in Settings > General > About > Certificate Trust Settings.\n"
        << "Then set the device's HTTP proxy to the machine running rtmtap proxy --mode regular.\n";
}

int runInit(const CaOptions& o) {
    auto ca = CertAuthority::create(o.dir);
    std::cout << "rtmtap: made a new CA in " << ca->dir() << "\n"
              << "  certificate: " << ca->certPath() << "\n"
              << "  key:         " << ca->keyPath() << " (mode 0600; it never leaves this folder)\n"
              << "  SHA-256:     " << ca->fingerprintSha256() << "\n"
              << "Next: rtmtap ca show says how to make browsers and devices trust it.\n";
    return 0;
}

int runShow(const CaOptions& o) {
    auto ca = CertAuthority::load(o.dir);
    std::cout << "CA folder:   " << ca->dir() << "\n"
              << "Certificate: " << ca->certPath() << "\n"
              << "Key:         " << ca->keyPath() << " (mode 0600; it never leaves this folder)\n"
              << "Subject:     " << ca->subject() << "\n"
              << "SHA-256:     " << ca->fingerprintSha256() << "\n"
              << "Valid:       " << ca->notBefore() << " to " << ca->notAfter() << "\n";
    printHowToTrust(*ca, std::cout);
    std::cout << "\nThe certificate (PEM; rtmtap ca export --der gives DER):\n" << ca->certPem();
    return 0;
}

bool writeFile(const std::string& path, const std::string& bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return false;
    }
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int saved = errno;
            ::close(fd);
            errno = saved;
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return ::close(fd) == 0;
}

int runExport(const CaOptions& o) {
    if (o.der && o.output.empty() && isatty(STDOUT_FILENO)) {
        std::cerr << "rtmtap: --der is binary: pass -o FILE (e.g. -o rtmtap-ca.der) or redirect stdout\n";
        return 2;
    }
    auto ca = CertAuthority::load(o.dir);
    const std::string bytes = o.der ? ca->certDer() : ca->certPem();
    if (o.output.empty()) {
        std::cout << bytes << std::flush;
        return std::cout ? 0 : 2;
    }
    if (!writeFile(o.output, bytes)) {
        std::cerr << "rtmtap: cannot write '" << o.output << "': " << std::strerror(errno) << "\n";
        return 2;
    }
    std::cerr << "rtmtap: wrote the CA certificate (" << (o.der ? "DER" : "PEM") << ") to " << o.output << "\n";
    return 0;
}

// Every error is one line on stderr and exit 2.
int guarded(int (*run)(const CaOptions&), const CaOptions& o) {
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "rtmtap: " << e.what() << "\n";
        return 2;
    }
}

void addDirOption(CLI::App* sub, CaOptions& o) {
    sub->add_option("--ca-dir", o.dir, "The CA's folder ($XDG_DATA_HOME/rtmtap, else ~/.local/share/rtmtap)")
        ->capture_default_str();
}

}  // namespace

void setupCa(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<CaOptions>();
    CLI::App* cmd = app.add_subcommand("ca", "rtmtap's own CA, which signs the certificates of intercepted hosts");
    cmd->require_subcommand(1);
    cmd->footer(
        "rtmtap proxy --mode regular terminates TLS with certificates it makes on the fly, signed by this CA\n"
        "(made on first use when missing). Browsers and devices must trust the CA: rtmtap ca show says how.\n"
        "The CA's key (mode 0600) never leaves its folder; only the certificate is shown or exported.\n"
        "Examples:\n"
        "  rtmtap ca init\n"
        "  rtmtap ca show\n"
        "  rtmtap ca export --der -o rtmtap-ca.der");

    CLI::App* init = cmd->add_subcommand("init", "Make a new CA (fails when one exists)");
    addDirOption(init, *o);
    init->footer(
        "Makes the folder (0700), rtmtap-ca.pem (the certificate: RSA 2048, 10 years) and rtmtap-ca-key.pem (0600).\n"
        "Exit: 0 made; 2 a CA exists already or the folder cannot be used.\n"
        "Examples:\n"
        "  rtmtap ca init\n"
        "  rtmtap ca init --ca-dir ./ca");
    init->callback([o, &exitCode] { exitCode = guarded(runInit, *o); });

    CLI::App* show = cmd->add_subcommand("show", "Where the CA is, its fingerprint, and how to trust it");
    addDirOption(show, *o);
    show->footer(
        "Prints the folder, files, subject, SHA-256 fingerprint and validity, how to trust the CA on Debian,\n"
        "Firefox, Chromium, Android and iOS, and the certificate in PEM.\n"
        "Exit: 0 shown; 2 no CA, or its folder or files are unsafe or broken (the line says what to run).\n"
        "Examples:\n"
        "  rtmtap ca show\n"
        "  rtmtap ca show --ca-dir ./ca");
    show->callback([o, &exitCode] { exitCode = guarded(runShow, *o); });

    CLI::App* exp = cmd->add_subcommand("export", "Write the CA certificate (never the key) in PEM or DER");
    addDirOption(exp, *o);
    exp->add_flag("--der", o->der, "DER instead of PEM (Android wants DER; binary, so not to a terminal)");
    exp->add_option("-o,--output", o->output, "Write to FILE instead of stdout");
    exp->footer(
        "Exit: 0 written; 2 no CA, a broken one, or the output cannot be written.\n"
        "Examples:\n"
        "  rtmtap ca export > rtmtap-ca.pem\n"
        "  rtmtap ca export --der -o rtmtap-ca.der\n"
        "  rtmtap ca export --der > rtmtap-ca.der && adb push rtmtap-ca.der /sdcard/Download/");
    exp->callback([o, &exitCode] { exitCode = guarded(runExport, *o); });
}

}  // namespace rtmtap::cli
