#include "app/mpi_world.h"

#include "solver/fingerprint.h"

#include <mpi.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

namespace lightbody
{
  namespace
  {
    MpiWorld world;
  } // namespace

  bool launched_by_mpi()
  {
    for (const char *name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK"})
      if (std::getenv(name) != nullptr)
        return true;
    return false;
  }

  const MpiWorld &start_mpi()
  {
    if (world.active || !launched_by_mpi())
      return world;
    // (SERIALIZED: rank 0's buckling analyses side by side ask for the shared factor's solves
    // from their threads, one at a time; solver/distributed_factor.h, distributed_threads)
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
    world.active = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world.size);
    MPI_Comm local;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
    MPI_Comm_size(local, &world.local_size);
    MPI_Comm_free(&local);
    return world;
  }

  const MpiWorld &mpi_world() { return world; }

  void leave_launch_environment()
  {
    std::vector<std::string> names;
    for (char **e = environ; e && *e; ++e)
      {
        const std::string entry(*e);
        const std::string name = entry.substr(0, entry.find('='));
        for (const char *prefix : {"OMPI_", "PMIX_", "PMI_"})
          if (name.rfind(prefix, 0) == 0)
            names.push_back(name);
      }
    for (const auto &name : names)
      unsetenv(name.c_str());
  }

  bool every_process(bool mine)
  {
    if (!world.active || world.size < 2)
      return mine;
    int own = mine ? 1 : 0, all = 0;
    MPI_Allreduce(&own, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all == 1;
  }

  bool same_on_every_process(unsigned long long value)
  {
    if (!world.active || world.size < 2)
      return true;
    unsigned long long low = 0, high = 0;
    MPI_Allreduce(&value, &low, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&value, &high, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
    return low == high;
  }

  unsigned long long file_fingerprint(const std::string &path)
  {
    std::ifstream     in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    Fingerprint       f;
    f.feed(bytes);
    return f.value;
  }

  std::string other_copy_text(const std::string &whose)
  {
    return "this file differs between the processes of the launch (" + whose +
           " has another copy): put the case on a file system all machines share; nothing was "
           "written";
  }

  void finish_mpi()
  {
    if (world.active)
      MPI_Finalize();
    world = MpiWorld();
  }
} // namespace lightbody
