#include "core/model/codec.h"
