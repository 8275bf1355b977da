// The YAML document of a case: strict loading, includes merged key by key, --set overrides.
#include "input/reader.h"
#include "input/input_file.h"

#include <yaml-cpp/eventhandler.h>

#include <filesystem>
#include <set>
#include <optional>
#include <sstream>

namespace lightbody
{
  namespace reading
  {

    // The parts of an override's key path: a.b[2].c and a.b.2.c are a, b, 2, c.
    std::vector<std::string> key_parts(const Override &o, const std::string &file)
    {
      // A list index may also be written as the messages name list items: a.b[2].c is a.b.2.c.
      std::string path;
      bool        valid = true;
      for (std::size_t k = 0; k < o.key.size(); ++k)
        if (o.key[k] == '[')
          {
            const std::size_t close = o.key.find(']', k);
            valid =
              valid && close != std::string::npos && close > k + 1 &&
              (close + 1 == o.key.size() || o.key[close + 1] == '.' || o.key[close + 1] == '[');
            if (!valid)
              break;
            path += "." + o.key.substr(k + 1, close - k - 1);
            k = close;
          }
        else
          valid = valid && o.key[k] != ']', path += o.key[k];
      std::vector<std::string> parts;
      std::stringstream        ss(path);
      std::string              item;
      while (std::getline(ss, item, '.'))
        parts.push_back(item);
      if (!valid || parts.empty() || path.back() == '.' ||
          std::any_of(parts.begin(), parts.end(), [](const std::string &s) { return s.empty(); }))
        throw InputError({file + " (--set " + o.key + ")", 0, 0}, o.key, "is not a valid key path");
      return parts;
    }

    // Walks a dotted key path, creating maps where needed, and sets the value.
    void apply_override(YAML::Node &root, const Override &o, const std::string &file)
    {
      const std::vector<std::string> parts = key_parts(o, file);
      const SourceLocation           at{file + " (--set " + o.key + ")", 0, 0};
      YAML::Node                     value;
      try
        {
          value = load_yaml(o.value, at.file);
        }
      catch (const InputError &e)
        {
          throw InputError(at, o.key,
                           "value \"" + o.value + "\": " + e.diagnostics().front().message);
        }
      // A list item is named by its index: a whole number within the list.
      auto index = [&](const std::string &part, const YAML::Node &list) {
        const bool digits =
          !part.empty() && part.size() < 10 &&
          std::all_of(part.begin(), part.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        if (!digits)
          throw InputError(at, o.key,
                           "\"" + part + "\" names an item of a list: give its index (0, 1, ...)");
        const std::size_t i = std::stoul(part);
        if (i >= list.size())
          throw InputError(at, o.key,
                           "index " + part + " is past the end of the list (it has " +
                             std::to_string(list.size()) + " items)");
        return i;
      };
      // KEY=null (or ~, or nothing) removes a key of a mapping: its default applies again, or
      // the case's other form (a circle's section without the inherited height).
      const bool remove = value.IsNull();
      const auto absent = [&] {
        return InputError(at, o.key,
                          "is not in the case: a null value removes a key the case gives");
      };
      YAML::Node cur = root;
      for (std::size_t i = 0; i + 1 < parts.size(); ++i)
        {
          YAML::Node next;
          if (cur.IsSequence())
            next.reset(cur[index(parts[i], cur)]);
          else
            {
              if (!cur[parts[i]])
                {
                  if (remove)
                    throw absent();
                  cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
                }
              next.reset(cur[parts[i]]);
            }
          cur.reset(next);
        }
      if (remove && cur.IsMap())
        {
          if (!cur[parts.back()])
            throw absent();
          cur.remove(parts.back());
          return;
        }
      if (remove && !cur.IsSequence())
        throw absent();
      if (cur.IsSequence())
        cur[index(parts.back(), cur)] = value;
      else if (cur.IsMap() || cur.IsNull())
        cur[parts.back()] = value;
      else
        throw InputError(at, o.key, "cannot set a key inside a single value");
    }

    // Values a file may expand to through YAML aliases, and how deep it may nest: far above any
    // body (a case file holds a few thousand values), far below what exhausts the memory or
    // takes seconds to check ("billion laughs").
    constexpr std::size_t max_yaml_values = 200000;
    constexpr int         max_yaml_depth  = 64;

    // Tags a case file may carry: none, or the core schema's own.
    bool plain_tag(const std::string &tag)
    {
      static const std::set<std::string> core = {"",
                                                 "?",
                                                 "!",
                                                 "tag:yaml.org,2002:str",
                                                 "tag:yaml.org,2002:int",
                                                 "tag:yaml.org,2002:float",
                                                 "tag:yaml.org,2002:bool",
                                                 "tag:yaml.org,2002:null",
                                                 "tag:yaml.org,2002:map",
                                                 "tag:yaml.org,2002:seq"};
      return core.count(tag) > 0;
    }

    // What the YAML library accepts silently but a case file must not have: a key given twice
    // in one mapping (the library keeps the first), tags other than the core ones, and aliases
    // that expand beyond any sensible size.
    void check_yaml_tree(const YAML::Node &n, const std::string &file, const std::string &path,
                         int depth, std::size_t &values, DiagnosticList &diag)
    {
      auto at = [&](const YAML::Node &x) {
        const YAML::Mark m = x.Mark();
        return m.is_null() ? SourceLocation{file, 0, 0}
                           : SourceLocation{file, m.line + 1, m.column + 1};
      };
      if (++values > max_yaml_values)
        throw InputError(at(n), path,
                         "the file expands to more than " + std::to_string(max_yaml_values) +
                           " values (YAML aliases that repeat each other?)");
      if (depth > max_yaml_depth)
        throw InputError(at(n), path,
                         "nested deeper than " + std::to_string(max_yaml_depth) + " levels");
      if (!plain_tag(n.Tag()))
        diag.add(at(n), path, "the YAML tag \"" + n.Tag() + "\" is not accepted in a case file");
      if (n.IsSequence())
        for (std::size_t i = 0; i < n.size(); ++i)
          check_yaml_tree(n[i], file, path + "[" + std::to_string(i) + "]", depth + 1, values,
                          diag);
      else if (n.IsMap())
        {
          std::map<std::string, YAML::Mark> seen;
          for (const auto &kv : n)
            {
              const std::string k = key_text(kv.first);
              const std::string p = path.empty() ? k : path + "." + k;
              if (!k.empty())
                {
                  const auto [it, fresh] = seen.emplace(k, kv.first.Mark());
                  if (!fresh)
                    diag.add(at(kv.first), p,
                             "given twice (first on line " + std::to_string(it->second.line + 1) +
                               "); remove one");
                }
              check_yaml_tree(kv.first, file, p, depth + 1, values, diag);
              check_yaml_tree(kv.second, file, p, depth + 1, values, diag);
            }
        }
    }

    // Counts the documents of a stream and notes where the second one's content starts; a
    // document of a single null (a trailing "---") has no content.
    class DocumentCounter : public YAML::EventHandler
    {
    public:
      void OnDocumentStart(const YAML::Mark &) override { ++documents; }
      void OnDocumentEnd() override {}
      void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
      void OnAlias(const YAML::Mark &m, YAML::anchor_t) override { content(m); }
      void OnScalar(const YAML::Mark &m, const std::string &, YAML::anchor_t,
                    const std::string &) override
      {
        content(m);
      }
      void OnSequenceStart(const YAML::Mark &m, const std::string &, YAML::anchor_t,
                           YAML::EmitterStyle::value) override
      {
        content(m);
      }
      void OnSequenceEnd() override {}
      void OnMapStart(const YAML::Mark &m, const std::string &, YAML::anchor_t,
                      YAML::EmitterStyle::value) override
      {
        content(m);
      }
      void OnMapEnd() override {}

      int                       documents = 0;
      std::optional<YAML::Mark> second_content;

    private:
      void content(const YAML::Mark &m)
      {
        if (documents >= 2 && !second_content)
          second_content = m;
      }
    };

    // Where a second document with content starts, if the text has one. The parser is asked
    // for at most a few documents: yaml-cpp 0.7's LoadAll never returns on some malformed
    // input (a lone ","), which a bounded loop avoids.
    std::optional<YAML::Mark> second_document(const std::string &text)
    {
      std::istringstream in(text);
      YAML::Parser       parser(in);
      DocumentCounter    counter;
      for (int k = 0; k < 3 && !counter.second_content && parser.HandleNextDocument(counter); ++k)
        {
        }
      return counter.second_content;
    }

    // One YAML document, checked as above. `name` stands for the file in messages.
    YAML::Node load_yaml(const std::string &text, const std::string &name)
    {
      const auto nul = text.find('\0');
      if (nul != std::string::npos)
        throw InputError(
          {name, 1 + static_cast<int>(std::count(text.begin(), text.begin() + nul, '\n')), 1}, "",
          "the file contains a NUL byte: it is not a text file");
      YAML::Node                root;
      std::optional<YAML::Mark> second;
      try
        {
          root   = YAML::Load(text);
          second = second_document(text);
        }
      catch (const YAML::Exception &e)
        {
          throw InputError({name, e.mark.line + 1, e.mark.column + 1}, "",
                           "YAML syntax error: " + e.msg);
        }
      if (second)
        throw InputError({name, second->line + 1, second->column + 1}, "",
                         "a second YAML document (after \"---\"): a case file holds one case");
      DiagnosticList diag;
      std::size_t    values = 0;
      check_yaml_tree(root, name, "", 0, values, diag);
      diag.throw_if_any();
      return root;
    }

    // Copies src into dst key by key; maps merge, anything else is replaced. Records the file of
    // every replaced value.
    void merge_into(YAML::Node dst, const YAML::Node &src, const std::string &path,
                    const Origins &src_origins, const std::string &src_file, Origins &origins)
    {
      for (const auto &kv : src)
        {
          const std::string key = key_text(kv.first);
          if (key.empty())
            continue; // reported by the reader's key check
          const std::string p = path.empty() ? key : path + "." + key;
          // Looked up through a const node: the non-const operator[] would add an empty entry.
          const YAML::Node existing = static_cast<const YAML::Node &>(dst)[key];
          if (existing && existing.IsMap() && kv.second.IsMap())
            {
              merge_into(existing, kv.second, p, src_origins, src_file, origins);
              continue;
            }
          // Inserted with the source's own key node, so that messages about the key give its
          // file and line.
          if (existing)
            dst.remove(key);
          dst.force_insert(kv.first, kv.second);
          for (auto it = origins.lower_bound(p); it != origins.end() && it->first.rfind(p, 0) == 0;)
            it = origins.erase(it);
          origins[p] = origin_file(src_origins, p, src_file);
          for (auto it = src_origins.lower_bound(p + ".");
               it != src_origins.end() && it->first.rfind(p + ".", 0) == 0; ++it)
            origins[it->first] = it->second;
        }
    }

    // A case with its includes resolved: `include: [a.yaml, b.yaml]` (paths relative to the
    // including file) are merged in order, then the including file's own values override them.
    YAML::Node resolve_includes(const YAML::Node &root, const std::string &file,
                                std::vector<std::string> &chain, Origins &origins,
                                std::vector<std::string> &files)
    {
      if (!root.IsMap() || !root["include"])
        return root;
      const YAML::Node        inc = root["include"];
      std::vector<YAML::Node> names;
      if (inc.IsScalar())
        names.push_back(inc);
      else if (inc.IsSequence())
        for (std::size_t i = 0; i < inc.size(); ++i)
          names.push_back(inc[i]);
      else
        throw InputError({file, inc.Mark().line + 1, inc.Mark().column + 1}, "include",
                         "must be a file name or a list of file names");
      const std::string dir =
        file.find('/') == std::string::npos ? std::string() : file.substr(0, file.rfind('/') + 1);
      YAML::Node merged(YAML::NodeType::Map);
      Origins    merged_origins;
      for (const auto &n : names)
        {
          const SourceLocation at{file, n.Mark().line + 1, n.Mark().column + 1};
          if (!n.IsScalar())
            throw InputError(at, "include", "must be a file name");
          const std::string path =
            (n.Scalar().size() && n.Scalar()[0] == '/') ? n.Scalar() : dir + n.Scalar();
          const std::string canonical = [&] {
            std::error_code ec;
            const auto      c = std::filesystem::weakly_canonical(path, ec);
            return ec ? path : c.string();
          }();
          if (std::find(chain.begin(), chain.end(), canonical) != chain.end())
            {
              std::string cycle;
              for (const auto &c : chain)
                cycle += c + " -> ";
              throw InputError(at, "include",
                               "\"" + n.Scalar() + "\" includes itself (" + cycle + canonical +
                                 ")");
            }
          std::error_code ec;
          if (!std::filesystem::exists(path, ec) && !ec)
            throw InputError(at, "include", "included file \"" + path + "\" does not exist");
          chain.push_back(canonical);
          files.push_back(path);
          Origins    child_origins;
          YAML::Node child =
            resolve_includes(load_yaml(read_input_file(path, "included file"), path), path, chain,
                             child_origins, files);
          chain.pop_back();
          if (!child.IsMap())
            throw InputError({path, 1, 1}, "", "an included file must be a mapping of keys");
          merge_into(merged, child, "", child_origins, path, merged_origins);
        }
      YAML::Node own(YAML::NodeType::Map);
      for (const auto &kv : root)
        if (key_text(kv.first) != "include")
          own.force_insert(kv.first, kv.second);
      merge_into(merged, own, "", {}, file, merged_origins);
      origins = merged_origins;
      return merged;
    }

    // The case file's document with its includes resolved; `files` gets the file and those it
    // includes.
    YAML::Node resolved(const YAML::Node &root, const std::string &name, Origins &origins,
                        std::vector<std::string> &files)
    {
      std::vector<std::string> chain{[&] {
        std::error_code ec;
        const auto      c = std::filesystem::weakly_canonical(name, ec);
        return ec ? name : c.string();
      }()};
      files = {name};
      return resolve_includes(root, name, chain, origins, files);
    }

    std::string overrides_yaml(const std::string &case_path, const std::string &include,
                               const std::vector<Override> &overrides)
    {
      // The case as a run reads it: includes resolved, the overrides applied.
      Origins                  origins;
      std::vector<std::string> files;
      YAML::Node full = resolved(load_yaml(read_input_file(case_path, "case file"), case_path),
                                 case_path, origins, files);
      for (const auto &o : overrides)
        apply_override(full, o, case_path);
      // An included file's keys can be replaced, not removed: with a key removed, the whole case.
      if (std::any_of(overrides.begin(), overrides.end(),
                      [](const Override &o) { return load_yaml(o.value, o.key).IsNull(); }))
        {
          YAML::Emitter out;
          out << full;
          return std::string(out.c_str()) + "\n";
        }
      // Each overridden value under its key; a list item's whole list (an included list is
      // replaced as a whole, so `a.0.b` is written as the list `a`).
      YAML::Node root(YAML::NodeType::Map);
      root["include"].push_back(include);
      for (const auto &o : overrides)
        {
          const std::vector<std::string> parts = key_parts(o, case_path);
          std::vector<std::string>       prefix;
          YAML::Node                     value = full;
          for (const auto &part : parts)
            {
              if (!value.IsMap())
                break;
              prefix.push_back(part);
              const YAML::Node &map = value;
              value.reset(map[part]);
            }
          std::string key;
          for (const auto &part : prefix)
            key += (key.empty() ? "" : ".") + part;
          YAML::Emitter text;
          text << YAML::Flow << value;
          apply_override(root, {key, text.c_str()}, case_path);
        }
      YAML::Emitter out;
      out << root;
      return std::string(out.c_str()) + "\n";
    }

    Case read_document(const YAML::Node &root_in, const std::string &name,
                       const std::vector<Override> &overrides)
    {
      Origins                  origins;
      std::vector<std::string> files;
      YAML::Node               root = resolved(root_in, name, origins, files);
      for (const auto &o : overrides)
        try
          {
            apply_override(root, o, name);
          }
        catch (const YAML::Exception &e)
          {
            throw InputError({name + " (--set)", 0, 0}, o.key, "cannot be set here: " + e.msg);
          }
      std::vector<std::string> keys;
      for (const auto &o : overrides)
        keys.push_back(o.key);
      Reader reader(name, keys, origins);
      Case   c;
      try
        {
          c = reader.read(root);
        }
      catch (const YAML::Exception &e)
        {
          // Anything the checks above did not foresee still comes out as an input error.
          throw InputError({name, e.mark.line + 1, e.mark.column + 1}, "", e.msg);
        }
      YAML::Emitter out;
      out << root;
      c.effective_yaml = out.c_str();
      for (const auto &p : c.parts)
        if (p.kind == SurfaceKind::gmsh)
          files.push_back(p.gmsh_file);
      c.input_files = files;
      return c;
    }
  } // namespace reading

  std::string case_with_overrides(const std::string &case_path, const std::string &include,
                                  const std::vector<Override> &overrides)
  {
    return reading::overrides_yaml(case_path, include, overrides);
  }

} // namespace lightbody
