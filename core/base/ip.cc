#include "core/base/ip.h"
