// Compiled as ui/ compiles (linking ssehub_api): an internal header must not be found.
#include "hub/hub.h"

int ssehubBoundaryInternal()
{
    return 0;
}
