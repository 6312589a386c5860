#pragma once

#include "api/engineconfig.h"
#include "http/httpfront.h"

namespace ssehub {

// The HTTP front's limits, CORS origins and retry hint from the configuration: at start and on
// Engine::reconfigure().
void applyLimits(HttpFront::Options *front, const EngineConfig &config);

} // namespace ssehub
