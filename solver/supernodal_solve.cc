#include "solver/supernodal_solve.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <system_error>
#include <mutex>
#include <thread>
#include <vector>

namespace lightbody
{
  namespace
  {
#define LIGHTBODY_AVX2 __attribute__((target("avx2,fma")))

    // Rows of X hold NP = 4 V values (V vectors of four): the columns of the solve, padded.

    // The rows below a panel of CW columns of a supernode, forward: X(Ls[i]) -= sum_c L(i, c)
    // X(panel row c) for i in [i0, i1). L: the panel's first column (leading dimension lda).
    template <int V, int CW>
    LIGHTBODY_AVX2 void forward_rows(const double *L, int64_t lda, const int64_t *Ls, int64_t i0,
                                     int64_t i1, const double *panel, double *X)
    {
      constexpr int NP = 4 * V;
      __m256d       xv[CW][V];
      for (int c = 0; c < CW; ++c)
        for (int v = 0; v < V; ++v)
          xv[c][v] = _mm256_loadu_pd(panel + c * NP + 4 * v);
      for (int64_t i = i0; i < i1; ++i)
        {
          double *d = X + Ls[i] * NP;
          __m256d acc[V];
          for (int v = 0; v < V; ++v)
            acc[v] = _mm256_loadu_pd(d + 4 * v);
          for (int c = 0; c < CW; ++c)
            {
              const __m256d l = _mm256_broadcast_sd(L + c * lda + i);
              for (int v = 0; v < V; ++v)
                acc[v] = _mm256_fnmadd_pd(l, xv[c][v], acc[v]);
            }
          for (int v = 0; v < V; ++v)
            _mm256_storeu_pd(d + 4 * v, acc[v]);
        }
    }

    // The rows below a panel, backward: X(panel row c) -= sum_i L(i, c) X(Ls[i]).
    template <int V, int CW>
    LIGHTBODY_AVX2 void backward_rows(const double *L, int64_t lda, const int64_t *Ls, int64_t i0,
                                      int64_t i1, double *panel, const double *X)
    {
      constexpr int NP = 4 * V;
      __m256d       acc[CW][V];
      for (int c = 0; c < CW; ++c)
        for (int v = 0; v < V; ++v)
          acc[c][v] = _mm256_setzero_pd();
      for (int64_t i = i0; i < i1; ++i)
        {
          const double *r = X + Ls[i] * NP;
          __m256d       row[V];
          for (int v = 0; v < V; ++v)
            row[v] = _mm256_loadu_pd(r + 4 * v);
          for (int c = 0; c < CW; ++c)
            {
              const __m256d l = _mm256_broadcast_sd(L + c * lda + i);
              for (int v = 0; v < V; ++v)
                acc[c][v] = _mm256_fmadd_pd(l, row[v], acc[c][v]);
            }
        }
      for (int c = 0; c < CW; ++c)
        for (int v = 0; v < V; ++v)
          _mm256_storeu_pd(panel + c * NP + 4 * v,
                           _mm256_sub_pd(_mm256_loadu_pd(panel + c * NP + 4 * v), acc[c][v]));
    }

    template <int V, class F>
    void by_width(int cw, const F &f)
    {
      switch (cw)
        {
          case 1: f(std::integral_constant<int, 1>()); break;
          case 2: f(std::integral_constant<int, 2>()); break;
          case 3: f(std::integral_constant<int, 3>()); break;
          default: f(std::integral_constant<int, 4>()); break;
        }
    }

    // Row k of X (NP values) as V vectors: y -= l x; x /= d.
    template <int V>
    LIGHTBODY_AVX2 inline void subtract(double *y, double l, const double *x)
    {
      const __m256d lv = _mm256_set1_pd(l);
      for (int v = 0; v < V; ++v)
        _mm256_storeu_pd(
          y + 4 * v, _mm256_fnmadd_pd(lv, _mm256_loadu_pd(x + 4 * v), _mm256_loadu_pd(y + 4 * v)));
    }
    template <int V>
    LIGHTBODY_AVX2 inline void divide(double *x, double d)
    {
      const __m256d dv = _mm256_set1_pd(d);
      for (int v = 0; v < V; ++v)
        _mm256_storeu_pd(x + 4 * v, _mm256_div_pd(_mm256_loadu_pd(x + 4 * v), dv));
    }

    // Supernode s: its first column k1, nc columns, nsrow rows (indices Ls, the first nc its
    // own columns), values Lx (column-major, nsrow x nc).
    struct Supernode
    {
      Supernode(const SupernodalFactor &f, int64_t s)
        : k1(f.super[s]), nc(f.super[s + 1] - k1), nsrow(f.pi[s + 1] - f.pi[s]), Lx(f.x + f.px[s]),
          Ls(f.s_index + f.pi[s])
      {
      }
      int64_t        k1, nc, nsrow;
      const double  *Lx;
      const int64_t *Ls;
    };

    // Supernode s of L y = b, forward, on X: its columns in panels of four.
    template <int V>
    LIGHTBODY_AVX2 void forward(const SupernodalFactor &f, int64_t s, double *X)
    {
      constexpr int   NP = 4 * V;
      const Supernode n(f, s);
      for (int64_t c0 = 0; c0 < n.nc; c0 += 4)
        {
          const int cw = static_cast<int>(std::min<int64_t>(4, n.nc - c0));
          for (int c = 0; c < cw; ++c)
            {
              const double *Lc = n.Lx + (c0 + c) * n.nsrow;
              double       *xc = X + (n.k1 + c0 + c) * NP;
              divide<V>(xc, Lc[c0 + c]);
              for (int c2 = c + 1; c2 < cw; ++c2)
                subtract<V>(X + (n.k1 + c0 + c2) * NP, Lc[c0 + c2], xc);
            }
          by_width<V>(cw, [&](auto w) {
            forward_rows<V, decltype(w)::value>(n.Lx + c0 * n.nsrow, n.nsrow, n.Ls, c0 + cw,
                                                n.nsrow, X + (n.k1 + c0) * NP, X);
          });
        }
    }

    // Supernode s of L^T x = y, backward, on X: its panels from the last.
    template <int V>
    LIGHTBODY_AVX2 void backward(const SupernodalFactor &f, int64_t s, double *X)
    {
      constexpr int   NP = 4 * V;
      const Supernode n(f, s);
      for (int64_t c0 = ((n.nc - 1) / 4) * 4; c0 >= 0; c0 -= 4)
        {
          const int cw = static_cast<int>(std::min<int64_t>(4, n.nc - c0));
          by_width<V>(cw, [&](auto w) {
            backward_rows<V, decltype(w)::value>(n.Lx + c0 * n.nsrow, n.nsrow, n.Ls, c0 + cw,
                                                 n.nsrow, X + (n.k1 + c0) * NP, X);
          });
          for (int c = cw - 1; c >= 0; --c)
            {
              const double *Lc = n.Lx + (c0 + c) * n.nsrow;
              double       *xc = X + (n.k1 + c0 + c) * NP;
              for (int c2 = c + 1; c2 < cw; ++c2)
                subtract<V>(xc, Lc[c0 + c2], X + (n.k1 + c0 + c2) * NP);
              divide<V>(xc, Lc[c0 + c]);
            }
        }
    }

    // Runs f on a second thread and g on this one; returns false (nothing run) when no thread
    // can be started.
    template <class F, class G>
    bool side_by_side(const F &f, const G &g)
    {
      std::exception_ptr error;
      std::thread        helper;
      try
        {
          helper = std::thread([&] {
            try
              {
                f();
              }
            catch (...)
              {
                error = std::current_exception();
              }
          });
        }
      catch (const std::system_error &)
        {
          return false;
        }
      try
        {
          g();
        }
      catch (...)
        {
          helper.join();
          throw;
        }
      helper.join();
      if (error)
        std::rethrow_exception(error);
      return true;
    }
  } // namespace

  struct SupernodalSolve::Impl
  {
    SupernodalFactor     f;
    std::vector<int64_t> part[2]; // the two threads' supernodes, children before parents
    std::vector<int64_t> top;     // the others (the common ancestors), ascending
    std::vector<int64_t> rows1;   // the columns of part[1]'s supernodes
    std::vector<int64_t> top_rows;
    double               balance = 0;
    // Room for the interleaved rows and thread 1's copy, kept between solves (a block that is
    // given back and asked for again at every solve is faulted in again, page by page); a solve
    // that finds it taken by another uses room of its own.
    mutable std::vector<double> room[2];
    mutable std::mutex          room_mutex;

    // Room k (0: the interleaved rows, 1: thread 1's copy) of `size` values: the kept room
    // where the caller holds it (`kept`), else `own`.
    double *space(bool kept, int k, std::size_t size, std::unique_ptr<double[]> &own) const
    {
      if (kept)
        {
          if (room[k].size() < size)
            room[k].resize(size);
          return room[k].data();
        }
      own.reset(new double[size]);
      return own.get();
    }

    // (kept: whether the caller holds the kept room; thread 1's copy is then kept room too)
    template <int V>
    void run_lower(double *X, bool kept) const;
    template <int V>
    void run_upper(double *X) const;
  };

  SupernodalSolve::SupernodalSolve(const SupernodalFactor &factor, unsigned threads)
    : impl_(std::make_unique<Impl>())
  {
    Impl &m       = *impl_;
    m.f           = factor;
    const auto ns = static_cast<int64_t>(factor.nsuper);
    // The supernodal elimination tree: the parent holds the first row below the diagonal block.
    std::vector<int64_t> of_column(factor.n), parent(ns, -1), first(ns), size(ns, 1);
    std::vector<double>  work(ns), subtree(ns);
    for (int64_t s = 0; s < ns; ++s)
      for (int64_t k = factor.super[s]; k < factor.super[s + 1]; ++k)
        of_column[k] = s;
    for (int64_t s = 0; s < ns; ++s)
      {
        const int64_t nc = factor.super[s + 1] - factor.super[s];
        const int64_t nr = factor.pi[s + 1] - factor.pi[s];
        if (nr > nc)
          parent[s] = of_column[factor.s_index[factor.pi[s] + nc]];
        work[s]  = static_cast<double>(nc) * static_cast<double>(nr);
        first[s] = s;
      }
    bool postordered = true;
    for (int64_t s = 0; s < ns; ++s)
      {
        subtree[s] += work[s];
        if (parent[s] >= 0)
          {
            if (parent[s] <= s)
              postordered = false;
            else
              {
                subtree[parent[s]] += subtree[s];
                size[parent[s]] += size[s];
                first[parent[s]] = std::min(first[parent[s]], first[s]);
              }
          }
      }
    // A subtree is the range first[s] .. s only in postorder.
    for (int64_t s = 0; s < ns && postordered; ++s)
      postordered = s - first[s] + 1 == size[s];
    std::vector<std::vector<int64_t>> children(ns);
    std::vector<int64_t>              frontier;
    double                            total = 0;
    for (int64_t s = 0; s < ns; ++s)
      {
        total += work[s];
        if (parent[s] >= 0)
          children[parent[s]].push_back(s);
        else
          frontier.push_back(s);
      }
    std::vector<char>    in_top(ns, 0);
    std::vector<int64_t> bin[2];
    // The subtrees for two threads: the heaviest split into its children (it joining the common
    // ancestors) until the two sets' larger is at most 55 % of their sum.
    for (int step = 0; threads >= 2 && postordered && step < 256 && !frontier.empty(); ++step)
      {
        std::sort(frontier.begin(), frontier.end(),
                  [&](int64_t a, int64_t b) { return subtree[a] > subtree[b]; });
        double load[2] = {0, 0};
        bin[0].clear();
        bin[1].clear();
        for (const int64_t h : frontier)
          {
            const int k = load[0] <= load[1] ? 0 : 1;
            bin[k].push_back(h);
            load[k] += subtree[h];
          }
        if (frontier.size() >= 2 && std::max(load[0], load[1]) <= 0.55 * (load[0] + load[1]))
          {
            m.balance = std::min(load[0], load[1]) / total;
            break;
          }
        const int64_t h = frontier.front();
        if (children[h].empty())
          break;
        frontier.erase(frontier.begin());
        in_top[h] = 1;
        frontier.insert(frontier.end(), children[h].begin(), children[h].end());
      }
    if (m.balance < 0.2)
      {
        // One thread: every supernode in order.
        m.balance = 0;
        for (int64_t s = 0; s < ns; ++s)
          m.top.push_back(s);
        return;
      }
    for (int k = 0; k < 2; ++k)
      for (const int64_t h : bin[k])
        for (int64_t s = first[h]; s <= h; ++s)
          m.part[k].push_back(s);
    for (int64_t s = 0; s < ns; ++s)
      if (in_top[s])
        m.top.push_back(s);
    for (const int64_t s : m.part[1])
      for (int64_t k = factor.super[s]; k < factor.super[s + 1]; ++k)
        m.rows1.push_back(k);
    for (const int64_t s : m.top)
      for (int64_t k = factor.super[s]; k < factor.super[s + 1]; ++k)
        m.top_rows.push_back(k);
  }

  SupernodalSolve::~SupernodalSolve() = default;

  bool SupernodalSolve::available()
  {
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
  }

  double SupernodalSolve::balance() const { return impl_->balance; }

  template <int V>
  void SupernodalSolve::Impl::run_lower(double *X, bool kept) const
  {
    constexpr std::size_t NP  = 4 * V;
    const auto            run = [this](const std::vector<int64_t> &list, double *Y) {
      for (const int64_t s : list)
        forward<V>(f, s, Y);
    };
    if (!part[0].empty())
      {
        // Thread 1 works in a copy of its rows and of the common ancestors' (zero: its updates
        // of them), added after.
        std::unique_ptr<double[]> own;
        double                   *Y = space(kept, 1, f.n * NP, own);
        for (const int64_t k : rows1)
          std::memcpy(Y + k * NP, X + k * NP, NP * sizeof(double));
        for (const int64_t k : top_rows)
          std::memset(Y + k * NP, 0, NP * sizeof(double));
        if (!side_by_side([&] { run(part[1], Y); }, [&] { run(part[0], X); }))
          {
            run(part[0], X);
            run(part[1], X);
          }
        else
          {
            for (const int64_t k : rows1)
              std::memcpy(X + k * NP, Y + k * NP, NP * sizeof(double));
            for (const int64_t k : top_rows)
              for (std::size_t j = 0; j < NP; ++j)
                X[k * NP + j] += Y[k * NP + j];
          }
      }
    run(top, X);
  }

  template <int V>
  void SupernodalSolve::Impl::run_upper(double *X) const
  {
    for (auto s = top.rbegin(); s != top.rend(); ++s)
      backward<V>(f, *s, X);
    if (part[0].empty())
      return;
    const auto run = [this, X](const std::vector<int64_t> &list) {
      for (auto s = list.rbegin(); s != list.rend(); ++s)
        backward<V>(f, *s, X);
    };
    if (!side_by_side([&] { run(part[1]); }, [&] { run(part[0]); }))
      {
        run(part[0]);
        run(part[1]);
      }
  }

  void SupernodalSolve::lower(double *x, std::size_t columns) const { solve(x, columns, false); }

  void SupernodalSolve::upper(double *x, std::size_t columns) const { solve(x, columns, true); }

  // The columns interleaved into rows of four or eight (lower: row k from row perm[k] of x), the
  // half solved, and the rows spread back into the columns (upper: row k to row perm[k]).
  void SupernodalSolve::solve(double *x, std::size_t columns, bool upper) const
  {
    const std::size_t n      = impl_->f.n;
    const std::size_t NP     = columns <= 4 ? 4 : 8;
    const int64_t    *p      = impl_->f.perm;
    const auto        row_of = [p, upper](std::size_t k) {
      return upper ? k : static_cast<std::size_t>(p[k]);
    };
    std::unique_lock<std::mutex> lock(impl_->room_mutex, std::try_to_lock);
    std::unique_ptr<double[]>    own;
    double                      *X = impl_->space(lock.owns_lock(), 0, n * NP, own);
    for (std::size_t k = 0; k < n; ++k)
      {
        double           *r = X + k * NP;
        const std::size_t i = row_of(k);
        for (std::size_t j = 0; j < columns; ++j)
          r[j] = x[j * n + i];
        for (std::size_t j = columns; j < NP; ++j)
          r[j] = 0;
      }
    if (upper)
      NP == 4 ? impl_->run_upper<1>(X) : impl_->run_upper<2>(X);
    else if (NP == 4)
      impl_->run_lower<1>(X, lock.owns_lock());
    else
      impl_->run_lower<2>(X, lock.owns_lock());
    for (std::size_t j = 0; j < columns; ++j)
      for (std::size_t k = 0; k < n; ++k)
        x[j * n + (upper ? static_cast<std::size_t>(p[k]) : k)] = X[k * NP + j];
  }
} // namespace lightbody
