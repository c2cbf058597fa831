// `rtmtap ca init|show|export` run as the real binary: the files and modes init makes, what show
// prints (never the key), export's PEM and DER, and a clear line with exit 2 for every problem.
// Every run gets a TempDir as its CA folder (or as $XDG_DATA_HOME): never the user's own.
#include "proxy/CertAuthority.h"
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <openssl/x509.h>

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace rtmtap {
namespace {

using test::Process;
using test::RunResult;
using test::TempDir;
using test::modeOf;
using test::slurp;
using test::spit;

bool endsWith(const std::string& text, const std::string& end) {
    return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

class CaCommandTest : public ::testing::Test {
protected:
    RunResult ca(std::vector<std::string> args) {
        args.insert(args.begin(), "ca");
        return Process::capture(args);
    }
    RunResult initCa() {
        RunResult r = ca({"init", "--ca-dir", dir_});
        EXPECT_EQ(r.code(), 0) << r.err;
        return r;
    }

    TempDir tmp_;
    std::string dir_ = tmp_.file("ca");
};

TEST_F(CaCommandTest, InitMakesTheCaAndSaysWhere) {
    const RunResult r = initCa();
    EXPECT_EQ(modeOf(dir_), 0700u);
    EXPECT_EQ(modeOf(dir_ + "/rtmtap-ca-key.pem"), 0600u);
    auto made = CertAuthority::load(dir_);
    EXPECT_NE(r.out.find("made a new CA in " + dir_), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(made->fingerprintSha256()), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("rtmtap ca show"), std::string::npos) << r.out;
}

TEST_F(CaCommandTest, InitTwiceExits2AndKeepsTheFirst) {
    initCa();
    const std::string before = slurp(dir_ + "/rtmtap-ca-key.pem");
    const RunResult r = ca({"init", "--ca-dir", dir_});
    EXPECT_EQ(r.code(), 2);
    EXPECT_EQ(r.err, "rtmtap: a CA exists already in " + dir_ + " (rtmtap ca show)\n");
    EXPECT_EQ(slurp(dir_ + "/rtmtap-ca-key.pem"), before);
}

TEST_F(CaCommandTest, TheDefaultFolderIsUnderXdgDataHome) {
    const char* old = std::getenv("XDG_DATA_HOME");
    const std::string saved = old ? old : "";
    ::setenv("XDG_DATA_HOME", tmp_.path().c_str(), 1);  // the child inherits it
    const RunResult init = ca({"init"});
    const RunResult show = ca({"show"});
    if (old) {
        ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
    } else {
        ::unsetenv("XDG_DATA_HOME");
    }
    EXPECT_EQ(init.code(), 0) << init.err;
    EXPECT_EQ(modeOf(tmp_.path() + "/rtmtap/rtmtap-ca-key.pem"), 0600u);
    EXPECT_EQ(show.code(), 0) << show.err;
    EXPECT_NE(show.out.find("CA folder:   " + tmp_.path() + "/rtmtap\n"), std::string::npos) << show.out;
}

TEST_F(CaCommandTest, ShowSaysWhereWhatAndHowToTrustItButNeverTheKey) {
    initCa();
    auto made = CertAuthority::load(dir_);
    const RunResult r = ca({"show", "--ca-dir", dir_});
    ASSERT_EQ(r.code(), 0) << r.err;
    EXPECT_EQ(r.err, "");
    for (const std::string& part :
         {"CA folder:   " + dir_, "Certificate: " + dir_ + "/rtmtap-ca.pem", "SHA-256:     " + made->fingerprintSha256(),
          "Subject:     " + made->subject(), made->notAfter(), std::string("update-ca-certificates"),
          std::string("/usr/local/share/ca-certificates/rtmtap-ca.crt"), std::string("\"Certificates\": {\"Install\""),
          std::string("certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n rtmtap -i " + dir_ + "/rtmtap-ca.pem"),
          std::string("\"CACertificates\""), std::string("Encryption & credentials > Install a certificate"),
          std::string("network_security_config"), std::string("export --der"),
          std::string("Certificate Trust Settings")}) {
        EXPECT_NE(r.out.find(part), std::string::npos) << "missing: " << part;
    }
    EXPECT_TRUE(endsWith(r.out, made->certPem())) << "the PEM comes last";
    EXPECT_EQ(r.out.find("PRIVATE KEY"), std::string::npos);
    const std::string key = slurp(dir_ + "/rtmtap-ca-key.pem");
    const std::string keyLine = key.substr(key.find('\n') + 1, 64);
    EXPECT_EQ(r.out.find(keyLine), std::string::npos) << "a line of the key was printed";
}

TEST_F(CaCommandTest, ShowOrExportWithoutACaExits2) {
    for (const std::vector<std::string>& args : {std::vector<std::string>{"show", "--ca-dir", dir_},
                                                 std::vector<std::string>{"export", "--ca-dir", dir_}}) {
        const RunResult r = ca(args);
        EXPECT_EQ(r.code(), 2) << args[0];
        EXPECT_EQ(r.err, "rtmtap: no CA in " + dir_ + ": rtmtap ca init (or rtmtap proxy --mode regular makes one)\n");
        EXPECT_EQ(r.out, "");
    }
}

TEST_F(CaCommandTest, BadPermissionsExit2WithTheChmodToRun) {
    initCa();
    const std::string key = dir_ + "/rtmtap-ca-key.pem";
    ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
    RunResult r = ca({"show", "--ca-dir", dir_});
    EXPECT_EQ(r.code(), 2);
    EXPECT_EQ(r.err, "rtmtap: the CA key " + key + " can be read by others (mode 0644): run chmod 600 " + key + "\n");
    EXPECT_EQ(r.out, "");
    ASSERT_EQ(::chmod(key.c_str(), 0600), 0);

    ASSERT_EQ(::chmod(dir_.c_str(), 0757), 0);
    r = ca({"export", "--ca-dir", dir_});
    EXPECT_EQ(r.code(), 2);
    EXPECT_EQ(r.err, "rtmtap: the CA folder " + dir_ + " can be written by others (mode 0757): run chmod 700 " + dir_ + "\n");
    r = ca({"init", "--ca-dir", dir_});
    EXPECT_EQ(r.code(), 2);
    EXPECT_NE(r.err.find("run chmod 700 " + dir_), std::string::npos) << r.err;
    ASSERT_EQ(::chmod(dir_.c_str(), 0700), 0);
    EXPECT_EQ(ca({"show", "--ca-dir", dir_}).code(), 0);
}

TEST_F(CaCommandTest, BrokenFilesExit2InOneLine) {
    initCa();
    std::ofstream(dir_ + "/rtmtap-ca.pem", std::ios::trunc) << "garbage\n";
    const RunResult r = ca({"show", "--ca-dir", dir_});
    EXPECT_EQ(r.code(), 2);
    EXPECT_EQ(r.err.rfind("rtmtap: the CA certificate " + dir_ + "/rtmtap-ca.pem is not a PEM certificate", 0), 0u) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
}

TEST_F(CaCommandTest, ExportGivesTheCertificateInPem) {
    initCa();
    const RunResult r = ca({"export", "--ca-dir", dir_});
    ASSERT_EQ(r.code(), 0) << r.err;
    EXPECT_EQ(r.out, slurp(dir_ + "/rtmtap-ca.pem"));
    EXPECT_EQ(r.out.find("PRIVATE"), std::string::npos);
}

TEST_F(CaCommandTest, ExportDerIsTheSameCertificate) {
    initCa();
    const RunResult r = ca({"export", "--der", "--ca-dir", dir_});
    ASSERT_EQ(r.code(), 0) << r.err;
    const auto* p = reinterpret_cast<const unsigned char*>(r.out.data());
    X509* parsed = d2i_X509(nullptr, &p, static_cast<long>(r.out.size()));
    ASSERT_NE(parsed, nullptr) << "stdout is not DER";
    EXPECT_EQ(p, reinterpret_cast<const unsigned char*>(r.out.data()) + r.out.size()) << "bytes after the certificate";
    auto loaded = CertAuthority::load(dir_);
    EXPECT_EQ(X509_cmp(parsed, loaded->cert()), 0);
    EXPECT_EQ(r.out, loaded->certDer());
    X509_free(parsed);

    const std::string file = tmp_.file("rtmtap-ca.der");
    const RunResult toFile = ca({"export", "--der", "-o", file, "--ca-dir", dir_});
    ASSERT_EQ(toFile.code(), 0) << toFile.err;
    EXPECT_EQ(toFile.out, "");
    EXPECT_EQ(slurp(file), r.out);
    EXPECT_NE(toFile.err.find("wrote the CA certificate (DER) to " + file), std::string::npos) << toFile.err;
}

TEST_F(CaCommandTest, DerIsNotWrittenToATerminal) {
    const std::string script = "/usr/bin/script";  // util-linux: runs the command on a pseudo-terminal
    if (::access(script.c_str(), X_OK) != 0) {
        GTEST_SKIP() << "no " << script;
    }
    initCa();
    std::string out, err;
    const std::string command = std::string(RTMTAP_BINARY) + " ca export --der --ca-dir '" + dir_ + "'";
    const test::ExitStatus status = Process::run({"-qec", command, "/dev/null"}, out, err, 20000, script);
    EXPECT_TRUE(status.exited && status.code == 2) << status.describe() << " " << out;
    EXPECT_NE(out.find("--der is binary: pass -o FILE"), std::string::npos) << out;
    EXPECT_EQ(out.find("0\x82"), std::string::npos);
}

TEST_F(CaCommandTest, ExportToAFileThatCannotBeWrittenExits2) {
    initCa();
    const std::string file = tmp_.file("missing-folder/ca.pem");
    const RunResult r = ca({"export", "-o", file, "--ca-dir", dir_});
    EXPECT_EQ(r.code(), 2);
    EXPECT_EQ(r.err, "rtmtap: cannot write '" + file + "': No such file or directory\n");
}

TEST_F(CaCommandTest, EveryHelpEndsWithExamples) {
    for (const char* sub : {"init", "show", "export"}) {
        const RunResult r = ca({sub, "--help"});
        EXPECT_EQ(r.code(), 0) << sub;
        const size_t at = r.out.find("Examples:\n  rtmtap ca " + std::string(sub));
        EXPECT_NE(at, std::string::npos) << sub << ":\n" << r.out;
        EXPECT_EQ(r.out.find("Options:", at), std::string::npos) << "Examples: is not at the end";
    }
    const RunResult top = ca({"--help"});
    EXPECT_NE(top.out.find("Examples:\n  rtmtap ca init"), std::string::npos) << top.out;
}

TEST_F(CaCommandTest, NoOrAnUnknownSubcommandExits2) {
    EXPECT_EQ(ca({}).code(), 2);
    EXPECT_EQ(ca({"destroy"}).code(), 2);
}

}  // namespace
}  // namespace rtmtap
