// Compiled as ui/ compiles (linking ssehub_api): every api header is self-contained.
#include "engineconfig.h"
#include "enginethread.h"
#include "logentry.h"
#include "logexport.h"
#include "publishbatch.h"
#include "publishrequest.h"
#include "snapshot.h"
#include "configschema.h"
#include "validation.h"

int ssehubBoundaryApi()
{
    return ssehub::EngineConfig().port;
}
