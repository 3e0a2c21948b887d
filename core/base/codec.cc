#include "core/base/codec.h"
