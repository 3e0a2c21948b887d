#include "tests/hostile/hostile_case.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "simdjson.h"

namespace tern::hostile {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

uint64_t UintAt(simdjson::dom::element e, std::string_view pointer) {
  uint64_t v = 0;
  if (e.at_pointer(pointer).get_uint64().get(v) != simdjson::SUCCESS) return 0;
  return v;
}

std::string StringAt(simdjson::dom::element e, std::string_view pointer) {
  std::string_view v;
  if (e.at_pointer(pointer).get_string().get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

void Flatten(simdjson::dom::element item, std::vector<CustodyItem>* out) {
  CustodyItem c;
  c.display = StringAt(item, "/display");
  c.status = StringAt(item, "/status");
  c.format = StringAt(item, "/format");
  c.parsed = UintAt(item, "/records/parsed");
  c.stored = UintAt(item, "/records/stored");
  c.rejected = UintAt(item, "/records/rejected");
  simdjson::dom::array warnings;
  if (item["warnings"].get_array().get(warnings) == simdjson::SUCCESS) {
    for (simdjson::dom::element w : warnings) {
      absl::StrAppend(&c.warnings, StringAt(w, "/kind"), " line ", UintAt(w, "/line"), ": ",
                      StringAt(w, "/detail"), "\n");
    }
  }
  out->push_back(c);
  simdjson::dom::array members;
  if (item["members"].get_array().get(members) == simdjson::SUCCESS) {
    for (simdjson::dom::element m : members) Flatten(m, out);
  }
}

}  // namespace

std::vector<CustodyItem> ReadCustody(const std::string& path) {
  std::vector<CustodyItem> items;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.load(path).get(root) != simdjson::SUCCESS) {
    ADD_FAILURE() << "cannot parse " << path;
    return items;
  }
  simdjson::dom::array evidence;
  if (root["evidence"].get_array().get(evidence) != simdjson::SUCCESS) return items;
  for (simdjson::dom::element e : evidence) Flatten(e, &items);
  return items;
}

std::vector<std::string> ReadRunOutcomes(const std::string& path) {
  std::vector<std::string> outcomes;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array runs;
  if (parser.load(path).get(root) != simdjson::SUCCESS ||
      root["runs"].get_array().get(runs) != simdjson::SUCCESS) {
    ADD_FAILURE() << "no runs in " << path;
    return outcomes;
  }
  for (simdjson::dom::element run : runs) outcomes.push_back(StringAt(run, "/outcome"));
  return outcomes;
}

const CustodyItem* Outcome::Item(std::string_view suffix) const {
  for (const CustodyItem& c : custody) {
    if (c.display.size() >= suffix.size() &&
        std::string_view(c.display).substr(c.display.size() - suffix.size()) == suffix) {
      return &c;
    }
  }
  return nullptr;
}

uint64_t MaxRssBytes() {
  // A run over small evidence peaks near 100 MiB; the largest legitimate
  // hostile record (a 30 MB CSV cell) is held a few times over while it is
  // parsed and stored. ASan's shadow and quarantine roughly double that.
  return Sanitized() ? uint64_t{2} << 30 : uint64_t{1} << 30;
}

HostileTest::HostileTest() {
  InputFolder("");
  good_ = Input("good.jsonl", GoodJsonl());
}

std::string HostileTest::Input(std::string_view rel, std::string_view data) {
  return dir_.Write("in/" + std::string(rel), data);
}

std::string HostileTest::InputFolder(std::string_view rel) {
  const std::string path = dir_.path() + "/in/" + std::string(rel);
  std::error_code ec;
  fs::create_directories(path, ec);
  return path;
}

Outcome HostileTest::Run(const std::vector<std::string>& inputs,
                         const std::vector<std::string>& extra, const RunLimits& limits) {
  const std::string evidence = dir_.path() + "/in";
  const std::map<std::string, FileState> before = Snapshot(evidence);

  std::vector<std::string> args = {"run", "--case", CaseDir()};
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), inputs.begin(), inputs.end());
  args.push_back(good_);
  Outcome o;
  o.run = RunTernLimited(args, limits);
  o.messages = o.run.err + ReadText(CaseDir() + "/tern.log");

  // No crash, no hang, no fatal error: a hostile input costs warnings only.
  EXPECT_FALSE(o.run.timed_out) << o.run.Describe();
  EXPECT_EQ(o.run.signal, 0) << o.run.Describe();
  EXPECT_THAT(o.run.exit_code, ::testing::AnyOf(0, 1)) << o.run.Describe();
  EXPECT_LT(o.run.max_rss_bytes, MaxRssBytes()) << o.run.Describe();

  // Evidence is never modified, and nothing lands outside the case.
  EXPECT_EQ(Snapshot(evidence), before) << "the evidence changed";
  std::vector<std::string> top;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_.path())) {
    top.push_back(e.path().filename().string());
  }
  EXPECT_THAT(top, ::testing::UnorderedElementsAre("in", "case"));

  // Every record of the good file is in the case.
  o.custody = ReadCustody(CaseDir() + "/custody.json");
  const CustodyItem* good = o.Item("/good.jsonl");
  if (good == nullptr) {
    ADD_FAILURE() << "good.jsonl missing from custody.json\n" << o.run.Describe();
  } else {
    EXPECT_EQ(good->status, "ingested");
    EXPECT_EQ(good->stored, 6u) << good->warnings;
  }
  const ProcessResult search =
      RunTernLimited({"search", "--case", CaseDir(), "--format", "jsonl", "--quiet"}, limits);
  EXPECT_EQ(search.exit_code, 0) << search.Describe();
  o.events = search.out;
  for (const std::string& id : GoodIds()) {
    EXPECT_NE(o.events.find(id), std::string::npos) << "good record " << id << " lost";
  }
  return o;
}

}  // namespace tern::hostile
