#include "core/base/escape.h"
