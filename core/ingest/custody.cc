#include "core/ingest/custody.h"
