#include "observe/processresources.h"

#include <climits>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>

namespace ssehub {

int ProcessResources::openDescriptors()
{
    // Linux 6.2 and later give the count as the directory's size: no walk over every entry
    // (which costs about a microsecond per descriptor in the kernel).
    struct stat st {};
    if (::stat("/proc/self/fd", &st) == 0 && st.st_size > 0)
        return st.st_size > INT_MAX ? INT_MAX : int(st.st_size);
    DIR *dir = ::opendir("/proc/self/fd");
    if (!dir)
        return -1;
    int count = 0;
    while (const dirent *entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.')
            ++count;
    }
    ::closedir(dir);
    return count - 1; // the directory's own descriptor
}

int ProcessResources::descriptorLimit()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return 0;
    return limit.rlim_cur > rlim_t(INT_MAX) ? INT_MAX : int(limit.rlim_cur);
}

} // namespace ssehub
