#include "core/base/time.h"
