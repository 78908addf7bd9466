#include "function_names.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace lockstep::trace {
namespace {

// The functions of one module, sorted by address (relative to the module's load base).
struct symbol_table {
  struct entry {
    uint64_t start;
    uint64_t size;
    uint32_t name;  // offset into names
  };
  std::vector<entry> entries;
  std::string names;
};

// Where a code address lives: the module's file and load base.
struct module_of_address {
  uintptr_t address = 0;
  bool found = false;
  std::string path;
  uintptr_t base = 0;
};

int find_module(dl_phdr_info* info, size_t, void* data) {
  auto* m = static_cast<module_of_address*>(data);
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    const uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
    if (m->address >= lo && m->address < lo + ph.p_memsz) {
      m->found = true;
      m->base = info->dlpi_addr;
      // The main program has an empty name; its file is reachable through /proc.
      m->path = info->dlpi_name != nullptr && info->dlpi_name[0] != '\0' ? info->dlpi_name
                                                                         : "/proc/self/exe";
      return 1;
    }
  }
  return 0;
}

bool read_at(int fd, uint64_t offset, void* out, size_t n) {
  auto* p = static_cast<char*>(out);
  while (n > 0) {
    const ssize_t got = pread(fd, p, n, static_cast<off_t>(offset));
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

// Reads the function symbols of a 64-bit ELF file: .symtab when present (it has the static
// functions), else .dynsym. An unreadable or foreign file gives an empty table.
symbol_table load_symbols(const std::string& path) {
  symbol_table table;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return table;
  Elf64_Ehdr eh{};
  std::vector<Elf64_Shdr> sections;
  if (read_at(fd, 0, &eh, sizeof eh) && std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
      eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_shentsize == sizeof(Elf64_Shdr) &&
      eh.e_shnum > 0) {
    sections.resize(eh.e_shnum);
    if (!read_at(fd, eh.e_shoff, sections.data(), sections.size() * sizeof(Elf64_Shdr)))
      sections.clear();
  }
  const Elf64_Shdr* symtab = nullptr;
  for (uint32_t want : {uint32_t{SHT_SYMTAB}, uint32_t{SHT_DYNSYM}}) {
    for (const Elf64_Shdr& s : sections)
      if (s.sh_type == want && s.sh_link < sections.size()) {
        symtab = &s;
        break;
      }
    if (symtab != nullptr) break;
  }
  if (symtab != nullptr && symtab->sh_entsize == sizeof(Elf64_Sym)) {
    const Elf64_Shdr& strtab = sections[symtab->sh_link];
    std::vector<Elf64_Sym> syms(symtab->sh_size / sizeof(Elf64_Sym));
    std::string strings(strtab.sh_size, '\0');
    if (read_at(fd, symtab->sh_offset, syms.data(), syms.size() * sizeof(Elf64_Sym)) &&
        read_at(fd, strtab.sh_offset, strings.data(), strings.size())) {
      for (const Elf64_Sym& s : syms) {
        const unsigned type = ELF64_ST_TYPE(s.st_info);
        if ((type != STT_FUNC && type != STT_GNU_IFUNC) || s.st_shndx == SHN_UNDEF ||
            s.st_value == 0 || s.st_name >= strings.size())
          continue;
        const char* name = strings.c_str() + s.st_name;
        table.entries.push_back({s.st_value, s.st_size, static_cast<uint32_t>(table.names.size())});
        table.names.append(name);
        table.names.push_back('\0');
      }
    }
  }
  close(fd);
  // By address, aliases at one address by name, so that an alias always resolves the same way.
  std::sort(table.entries.begin(), table.entries.end(),
            [&table](const symbol_table::entry& a, const symbol_table::entry& b) {
              if (a.start != b.start) return a.start < b.start;
              return std::strcmp(table.names.c_str() + a.name, table.names.c_str() + b.name) < 0;
            });
  return table;
}

// Process-wide: symbol tables do not change while the process lives.
std::mutex g_tables_mutex;
std::map<std::string, std::shared_ptr<const symbol_table>> g_tables;

std::shared_ptr<const symbol_table> symbols_of(const std::string& path) {
  std::lock_guard lock(g_tables_mutex);
  auto it = g_tables.find(path);
  if (it == g_tables.end())
    it = g_tables.emplace(path, std::make_shared<const symbol_table>(load_symbols(path))).first;
  return it->second;
}

// The symbol starting exactly at `offset` (a function pointer points at its entry).
const char* symbol_at(const symbol_table& t, uint64_t offset) {
  auto it = std::lower_bound(t.entries.begin(), t.entries.end(), offset,
                             [](const symbol_table::entry& e, uint64_t v) { return e.start < v; });
  if (it == t.entries.end() || it->start != offset) return nullptr;
  return t.names.c_str() + it->name;
}

std::string module_file_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string readable_symbol(const char* symbol) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(symbol, nullptr, nullptr, &status);
  std::string name = status == 0 && demangled != nullptr ? demangled : symbol;
  std::free(demangled);
  // Cut the parameter list: the last balanced "(...)" at the end.
  if (!name.empty() && name.back() == ')') {
    int depth = 0;
    for (size_t i = name.size(); i-- > 0;) {
      if (name[i] == ')') ++depth;
      if (name[i] == '(' && --depth == 0) {
        if (i > 0) name.resize(i);
        break;
      }
    }
  }
  static constexpr std::string_view anon = "(anonymous namespace)::";
  for (size_t at; (at = name.find(anon)) != std::string::npos;) name.erase(at, anon.size());
  return name;
}

std::string traced_name(const char* spelled, const void* fn) {
  std::string text = spelled != nullptr ? std::string(spelled) : std::string();
  // LOCKSTEP_EVENT_ALLOCATE(core, &handler, ...) spells the name with its '&'.
  while (!text.empty() && (text.front() == '&' || text.front() == ' ')) text.erase(0, 1);
  return text.empty() ? function_name(fn) : text;
}

std::string function_name(const void* fn) {
  module_of_address m;
  m.address = reinterpret_cast<uintptr_t>(fn);
  dl_iterate_phdr(find_module, &m);
  if (m.found) {
    const std::shared_ptr<const symbol_table> t = symbols_of(m.path);
    if (const char* s = symbol_at(*t, m.address - m.base)) return readable_symbol(s);
  }
  Dl_info info{};
  if (dladdr(fn, &info) != 0 && info.dli_sname != nullptr && info.dli_saddr == fn)
    return readable_symbol(info.dli_sname);
  if (!m.found) return "fn@?";
  char offset[32];
  std::snprintf(offset, sizeof offset, "+0x%" PRIxPTR, m.address - m.base);
  return "fn@" + module_file_name(m.path == "/proc/self/exe" ? "exe" : m.path) + offset;
}

}  // namespace lockstep::trace
