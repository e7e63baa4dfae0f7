// zlib from the system (Debian's zlib1g-dev), for reading gzip-compressed datasets.
#include <zlib.h>
