#include "core/evidence/byte_stream.h"
