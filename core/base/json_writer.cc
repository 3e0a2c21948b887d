#include "core/base/json_writer.h"
