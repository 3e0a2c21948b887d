#include "core/ingest/parser.h"
