#include "core/model/enums.h"
