#include "core/ingest/ingester.h"
